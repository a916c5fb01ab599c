/**
 * The chart output, checked with the real helm binary: `helm lint` passes, and `helm template` with the default
 * values renders exactly the objects of manifests/ (Secrets aside) for every example and environment.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { build, writeBuild } from "../../src/index.ts";
import { tempDir } from "../support/cli.ts";
import { helm } from "../support/helm.ts";
import { type Obj, parseDocs, readManifestDir } from "../support/manifests.ts";

const identity = (o: Obj) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
const byIdentity = (objs: Obj[]) => Object.fromEntries(objs.filter((o) => o.kind !== "Secret").map((o) => [identity(o), o]));

function buildTo(example: string, env: string, set: string[] = []): string {
  const out = join(tempDir(), "out");
  const result = build({ path: `examples/${example}`, env, set });
  assert.ok(writeBuild(result, out), JSON.stringify(result.diagnostics));
  return out;
}

describe("helm chart output", () => {
  for (const example of ["databricks-service", "mlops-qna", "datalyptica", "datasurface-airflow"]) {
    for (const env of ["dev", "qa", "prod"]) {
      it(`${example} --env ${env}: helm lint passes and helm template ≡ manifests/`, () => {
        const out = buildTo(example, env);
        const lint = helm(["lint", join(out, "chart"), "--strict"]);
        assert.equal(lint.status, 0, lint.stdout + lint.stderr);
        const name = JSON.parse(readFileSync(join(out, "inventory.json"), "utf8")).platform as string;
        const rendered = helm(["template", name, join(out, "chart")]);
        assert.equal(rendered.status, 0, rendered.stderr);
        assert.deepEqual(byIdentity(parseDocs(rendered.stdout)), byIdentity(readManifestDir(join(out, "manifests"))));
      });
    }
  }

  it("values switch an app off, change its image, and refuse unknown keys and wrong types", () => {
    const out = buildTo("mlops-qna", "prod");
    const chart = join(out, "chart");
    const off = helm(["template", "mlops", chart, "--set", "apps.qna.enabled=false"]);
    assert.equal(off.status, 0, off.stderr);
    const left = parseDocs(off.stdout);
    assert.ok(left.length > 0);
    assert.deepEqual(left.filter((o) => o.metadata.labels?.["app.kubernetes.io/name"] === "qna"), [], "nothing of the disabled app remains");
    const bumped = helm(["template", "mlops", chart, "--set", "apps.qna.image=ghcr.io/duqueom/mlops-qna:1.4.3"]);
    const stable = parseDocs(bumped.stdout).find((o) => o.kind === "Deployment" && o.metadata.name === "qna")!;
    assert.equal(stable.spec.template.spec.containers[0].image, "ghcr.io/duqueom/mlops-qna:1.4.3");
    const typo = helm(["template", "mlops", chart, "--set", "apps.qna.replcas=3"]);
    assert.notEqual(typo.status, 0);
    assert.match(typo.stderr, /replcas/);
    const wrongType = helm(["template", "mlops", chart, "--set-string", "apps.qna.canary.replicas=two"]);
    assert.notEqual(wrongType.status, 0);
  });

  it("literal template braces in objects survive (alert annotations)", () => {
    const out = buildTo("mlops-qna", "prod");
    const rendered = parseDocs(helm(["template", "mlops", join(out, "chart")]).stdout);
    const rule = rendered.find((o) => o.kind === "PrometheusRule")!;
    assert.match(JSON.stringify(rule), /\{\{ \$labels\.job \}\}/);
  });
});
