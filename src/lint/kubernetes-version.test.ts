/**
 * The target version of plain YAML (`--kubernetes-version`) may be any version berth can judge: the Pod Security
 * policy versions 1.25–1.37, with API tables right for each of them. A spec keeps its own, narrower range.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runLint } from "../cli/commands/lint.ts";
import { toYaml } from "../output/yaml.ts";
import { buildText, platform, WEB } from "../../test/support/spec.ts";

interface Finding {
  code: string;
  path: string;
  message: string;
  hint?: string;
  object?: string;
}

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: object = {}) => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra });

const CLEAN = [obj("v1", "ConfigMap", "settings", "shop", { data: { LOG_LEVEL: "info" } })];

const lintAt = (version: string, objects: object[] = CLEAN): { code: number; findings: Finding[] } => {
  let out = "";
  const code = runLint(["-"], { format: "json", kubernetesVersion: version }, { out: (t) => void (out += t), err: () => undefined }, () =>
    objects.map((o) => `---\n${toYaml(o)}`).join(""),
  );
  return { code, findings: JSON.parse(out).findings as Finding[] };
};

const codesAt = (version: string, objects: object[]) => lintAt(version, objects).findings.map((f) => f.code);

describe("--kubernetes-version for plain YAML", () => {
  for (const version of ["1.25", "1.26", "1.31", "1.36", "1.37"]) {
    it(`${version} is judged: clean YAML passes`, () => {
      const { code, findings } = lintAt(version);
      assert.deepEqual(findings, []);
      assert.equal(code, 0);
    });
  }

  for (const version of ["1.24", "1.38"]) {
    it(`${version} is outside what berth judges YAML at: exit 2, naming the flag and the range`, () => {
      const { code, findings } = lintAt(version);
      assert.equal(code, 2);
      const f = findings.find((x) => x.code === "K8S-VERSION")!;
      assert.ok(f, JSON.stringify(findings));
      assert.equal(f.path, "--kubernetes-version");
      assert.match(f.message, /1\.25–1\.37/);
      assert.match(f.hint ?? "", /--kubernetes-version/);
      assert.doesNotMatch(f.hint ?? "", /AKS/);
    });
  }
});

describe("spec.kubernetes.version keeps the range berth renders for", () => {
  for (const [version, inRange] of [["1.26", false], ["1.27", true], ["1.35", true], ["1.36", false]] as const) {
    it(`${version} is ${inRange ? "rendered" : "refused"}, located in the spec`, () => {
      const r = buildText(platform(WEB).replace('"1.31"', `"${version}"`));
      const f = r.diagnostics.find((d) => d.code === "K8S-VERSION");
      assert.equal(f === undefined, inRange, JSON.stringify(r.diagnostics));
      if (f) {
        assert.equal(f.path, "spec.kubernetes.version");
        assert.match(f.message, /1\.27–1\.35/);
        assert.match(f.hint ?? "", /spec\.kubernetes\.version/);
        assert.ok(f.location && f.location.line > 0);
      }
    });
  }
});

describe("API tables across 1.25–1.37", () => {
  const hpaV2beta2 = obj("autoscaling/v2beta2", "HorizontalPodAutoscaler", "h", "shop", { spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 3 } });
  const flowV1beta2 = obj("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "f", undefined, { spec: { priorityLevelConfiguration: { name: "p" } } });
  const flowV1beta3 = obj("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "f", undefined, { spec: { priorityLevelConfiguration: { name: "p" } } });
  const csiCapacityBeta = obj("storage.k8s.io/v1beta1", "CSIStorageCapacity", "c", "shop", { storageClassName: "x" });

  // [object, last minor that still serves it]: a deprecated API is no error until the version that removed it.
  const removals: [Record<string, any>, number][] = [
    [hpaV2beta2, 25],
    [csiCapacityBeta, 26],
    [flowV1beta2, 28],
  ];
  for (const [o, last] of removals) {
    it(`${o.apiVersion}/${o.kind} is served through 1.${last} and removed in 1.${last + 1}`, () => {
      assert.ok(!codesAt(`1.${last}`, [o]).includes("K8S-API-VERSION"), `flagged at 1.${last}`);
      // Served but without a schema: a warning that it goes unchecked, not an error.
      assert.ok(codesAt(`1.${last}`, [o]).includes("K8S-UNKNOWN-KIND"));
      const after = lintAt(`1.${last + 1}`, [o]).findings.filter((f) => f.code === "K8S-API-VERSION");
      assert.equal(after.length, 1);
      assert.match(after[0]!.message, new RegExp(`removed in Kubernetes 1\\.${last + 1}`));
    });
  }

  it("flowcontrol v1beta3 (with a schema) is validated through 1.31 and not served from 1.32", () => {
    assert.deepEqual(codesAt("1.31", [flowV1beta3]).filter((c) => c.startsWith("K8S-")), []);
    assert.deepEqual(codesAt("1.32", [flowV1beta3]).filter((c) => c.startsWith("K8S-")), ["K8S-API-VERSION"]);
  });

  // Built-in kinds GA after the 1.33 schemas: known (served from their version, scoped), though not validated.
  const newer: [Record<string, any>, number][] = [
    [obj("resource.k8s.io/v1", "DeviceClass", "gpu", undefined, { spec: {} }), 34],
    [obj("resource.k8s.io/v1", "ResourceClaimTemplate", "gpu", "shop", { spec: { spec: {} } }), 34],
    [obj("storage.k8s.io/v1", "VolumeAttributesClass", "fast", undefined, { driverName: "x" }), 34],
    [obj("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy", "p", undefined, { spec: {} }), 36],
  ];
  for (const [o, since] of newer) {
    it(`${o.apiVersion}/${o.kind} is served from 1.${since}, with its scope known`, () => {
      const before = lintAt(`1.${since - 1}`, [o]).findings.filter((f) => f.code === "K8S-API-VERSION");
      assert.equal(before.length, 1, `not flagged at 1.${since - 1}`);
      assert.match(before[0]!.message, /is not served by Kubernetes/);
      const at = lintAt(`1.${since}`, [o]).findings;
      assert.deepEqual(at.filter((f) => f.code === "K8S-API-VERSION" || f.code.startsWith("NAMESPACE-")), []);
      const unknown = at.filter((f) => f.code === "K8S-UNKNOWN-KIND");
      assert.equal(unknown.length, 1);
      assert.match(unknown[0]!.message, new RegExp(`built into Kubernetes 1\\.${since}\\+`));
    });
  }
});
