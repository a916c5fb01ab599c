import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { synthPlatform } from "../catalog/platform.ts";
import { loadSource, resolveSpec } from "../spec/resolve.ts";
import { desired } from "../resources/kube-object.ts";
import { specCheckInput } from "./check.ts";
import { lint } from "../lint/run.ts";

const mlops = () => {
  const { source } = loadSource("examples/mlops-qna");
  const { spec } = resolveSpec(source!, { env: "prod" });
  return { spec: spec!, resources: synthPlatform(spec!).resources };
};

describe("cross-reference checks on generated objects", () => {
  it("a clean platform has no problems", () => {
    const { spec, resources } = mlops();
    assert.deepEqual(lint(specCheckInput(spec, resources)).filter((d) => d.severity === "error"), []);
  });

  it("catches seed 004's canary Ingress pointing at a Service that does not exist", () => {
    const { spec, resources } = mlops();
    const broken = resources.filter((r) => !(r.object.kind === "Service" && r.object.metadata.name === "qna-canary"));
    const found = lint(specCheckInput(spec, broken));
    const d = found.find((x) => x.code === "REF-SERVICE" && x.object === "Ingress mlops/qna-canary");
    assert.ok(d, JSON.stringify(found, null, 1));
    assert.equal(d.field, ".spec.rules[0].http.paths[0].backend.service");
    assert.equal(d.path, "spec.apps.qna.canary");
    assert.ok(d.location?.line);
  });

  it("catches a pod running as a ServiceAccount that is never created (seed 002's apps pods)", () => {
    const { spec, resources } = mlops();
    const broken = resources.filter((r) => r.object.kind !== "ServiceAccount");
    const codes = lint(specCheckInput(spec, broken)).map((d) => d.code);
    assert.ok(codes.includes("REF-SERVICEACCOUNT"));
  });

  it("catches selectors that match nothing, missing keys, and a PVC that is not there", () => {
    const { spec, resources } = mlops();
    const mutated = resources.map((r) => {
      const o = structuredClone(r.object) as Record<string, any>;
      if (o.kind === "Service" && o.metadata.name === "qna") o.spec.selector = { app: "nope" };
      if (o.kind === "ConfigMap") delete o.data.LOG_LEVEL;
      if (o.kind === "ServiceMonitor") o.spec.endpoints[0].port = "metrics";
      return desired(o as never, r.origin);
    }).filter((r) => !(r.object.kind === "PersistentVolumeClaim" && r.object.metadata.name === "qna-logs"));
    const codes = new Set(lint(specCheckInput(spec, mutated)).map((d) => d.code));
    for (const c of ["REF-SELECTOR", "REF-CONFIGMAP-KEY", "REF-SERVICE-PORT", "REF-PERSISTENTVOLUMECLAIM"]) assert.ok(codes.has(c), c);
  });

  it("reports schema errors with the object and field", () => {
    const { spec, resources } = mlops();
    const mutated = resources.map((r) => {
      if (r.object.kind !== "Deployment") return r;
      const o = structuredClone(r.object) as Record<string, any>;
      o.spec.template.spec.containers[0].ports[0].containerPort = "8080";
      return desired(o as never, r.origin);
    });
    const d = lint(specCheckInput(spec, mutated)).find((x) => x.code === "K8S-SCHEMA");
    assert.equal(d?.field, ".spec.template.spec.containers[0].ports[0].containerPort");
    assert.match(d!.message, /must be integer/);
  });
});
