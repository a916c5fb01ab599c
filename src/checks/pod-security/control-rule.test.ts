/** Pod Security as lint rules: the target version picks the policy version, and every finding names it. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runLint } from "../../cli/commands/lint.ts";
import { toYaml } from "../../output/yaml.ts";
import { desired } from "../../resources/kube-object.ts";
import { lint } from "../../lint/run.ts";
import { buildText, platform, WEB } from "../../../test/support/spec.ts";
import { specCheckInput } from "../check.ts";

const deployment = (pod: { annotations?: Record<string, string>; sysctl?: string }) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" }, ...(pod.annotations ? { annotations: pod.annotations } : {}) },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, ...(pod.sysctl ? { sysctls: [{ name: pod.sysctl, value: "4096 87380 6291456" }] } : {}) },
        containers: [{ name: "web", image: "x:1", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
      },
    },
  },
});

const lintYaml = (objects: object[], flags: { kubernetesVersion?: string; level?: "baseline" | "restricted" }) => {
  let out = "";
  const code = runLint(["-"], { format: "json", only: "pss", ...flags }, { out: (t) => void (out += t), err: () => undefined }, () => objects.map((o) => `---\n${toYaml(o)}`).join(""));
  return { code, findings: JSON.parse(out).findings as { code: string; message: string; field?: string }[] };
};

describe("Pod Security lint: policy version from --kubernetes-version", () => {
  it("net.ipv4.tcp_rmem is refused at 1.31 and allowed from 1.32", () => {
    const at31 = lintYaml([deployment({ sysctl: "net.ipv4.tcp_rmem" })], { kubernetesVersion: "1.31" });
    assert.equal(at31.code, 2);
    assert.deepEqual(at31.findings.map((f) => f.code), ["PSS-SYSCTLS"]);
    assert.match(at31.findings[0]!.message, /^Pod Security "restricted:v1\.31" \(sysctls\): sysctl net\.ipv4\.tcp_rmem/);
    assert.deepEqual(lintYaml([deployment({ sysctl: "net.ipv4.tcp_rmem" })], { kubernetesVersion: "1.32" }).findings, []);
  });

  it("an AppArmor unconfined annotation on a pod template is refused at baseline, located in the template's metadata", () => {
    const r = lintYaml([deployment({ annotations: { "container.apparmor.security.beta.kubernetes.io/web": "unconfined" } })], { kubernetesVersion: "1.30", level: "baseline" });
    assert.deepEqual(r.findings.map((f) => [f.code, f.field]), [["PSS-APPARMORPROFILE", '.spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]']]);
    assert.match(r.findings[0]!.message, /"baseline:v1\.30"/);
  });

  it("a version past the newest policy change is judged at the newest, and says so", () => {
    const r = lintYaml([deployment({ sysctl: "kernel.msgmax" })], { kubernetesVersion: "1.40" });
    assert.match(r.findings[0]!.message, /"restricted:v1\.37"/);
  });
});

describe("Pod Security at build: policy version from spec.kubernetes.version", () => {
  it("judges what the spec renders at its own version", () => {
    const result = buildText(platform(WEB, "").replace('version: "1.31"', 'version: "1.33"'), { env: undefined });
    assert.ok(result.spec && result.resources, JSON.stringify(result.diagnostics));
    // A probe with a host is allowed until policy 1.34; give berth's own Deployment one and lint what the spec would build.
    const resources = result.resources.map((r) => {
      if (r.object.kind !== "Deployment") return r;
      const o = structuredClone(r.object) as ReturnType<typeof deployment>;
      (o.spec.template.spec.containers[0] as Record<string, unknown>).livenessProbe = { httpGet: { host: "10.0.0.1", port: 8080 } };
      return desired(o as never, r.origin);
    });
    const findings = (version: string) => {
      const input = specCheckInput(result.spec!, resources, result.secrets);
      return lint({ ...input, facts: { ...input.facts, kubernetesVersion: version } }, { only: "pss" });
    };
    assert.equal(specCheckInput(result.spec!, resources).facts.kubernetesVersion, "1.33");
    assert.deepEqual(lint(specCheckInput(result.spec!, resources, result.secrets), { only: "pss" }), []);
    const at34 = findings("1.34");
    assert.deepEqual(at34.map((d) => d.code), ["PSS-HOSTPROBESANDHOSTLIFECYCLE"]);
    assert.match(at34[0]!.message, /"restricted:v1\.34"/);
  });
});
