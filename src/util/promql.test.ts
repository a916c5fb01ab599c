import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jobMatches, readPromql } from "./promql.ts";

describe("reading PromQL", () => {
  it("finds metric names, not functions, labels, durations or grouping labels", () => {
    const r = readPromql('histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="qna",code=~"5.."}[5m]))) > 1 and on(job) up == 1');
    assert.deepEqual(r.metrics.sort(), ["http_request_duration_seconds_bucket", "up"]);
    assert.deepEqual(r.jobs, [{ op: "=", value: "qna" }]);
  });

  it("matches job regexes anchored, like Prometheus", () => {
    assert.ok(jobMatches({ op: "=~", value: "qna|qna-canary" }, ["qna"]));
    assert.ok(!jobMatches({ op: "=~", value: "qn" }, ["qna"]));
    assert.ok(!jobMatches({ op: "=", value: "mlops-api" }, ["qna"]));
  });
});
