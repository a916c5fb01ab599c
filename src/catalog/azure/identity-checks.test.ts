/**
 * Workload identity checks as synth makes them: one per ServiceAccount carrying an identity, a restricted Job that
 * passes berth's own lint (Pod Security restricted included), the vault secret chosen from what the workloads read,
 * the grants the plan gives, and nothing of it in the built manifests.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { specCheckInput } from "../../checks/check.ts";
import { build, planFor } from "../../index.ts";
import { lint } from "../../lint/run.ts";
import { desired } from "../../resources/kube-object.ts";
import { CHECKER_IMAGE } from "../../spec/azure-schema.ts";

const SPEC = "test/fixtures/azure-identity";

describe("workload identity checks (synth)", () => {
  const built = build({ path: SPEC, env: "dev" });
  const check = built.checks![0]!.check;

  it("one check for the app's ServiceAccount, reading a secret of the vault whose URI the app is given, with the plan's grant", () => {
    assert.deepEqual(built.checks!.map((c) => c.key), ["workload-identity:apps:api"]);
    assert.equal(check.identity.name, "api");
    assert.match(check.identity.id!, /\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/wi-dev-api$/);
    assert.deepEqual({ ...check.vault, id: undefined }, { name: "wi-dev-main", id: undefined, secret: "wi--dev--sql-db--admin-password", grants: ["Key Vault Secrets User"] });
    assert.match(check.issuer!, /^\(\(berth\.output azure:Microsoft\.ContainerService\/managedClusters:wi-dev-main:wi-dev-main oidcIssuer\)\)$/);
    const norole = build({ path: SPEC, env: "norole" }).checks![0]!.check;
    assert.deepEqual(norole.vault!.grants, [], "no role in the spec: a 403 is not waited for");
  });

  it("the Job: the ServiceAccount, the webhook's label, a restricted pod, bounded; the checker from its ConfigMap; egress only where it goes", () => {
    const job = check.objects.job as Record<string, any>;
    const pod = job.spec.template.spec;
    assert.equal(job.metadata.name, check.objects.configMap.metadata.name);
    assert.match(job.metadata.name, /^berth-verify-[0-9a-f]{10}$/);
    assert.deepEqual([job.spec.backoffLimit, job.spec.activeDeadlineSeconds, job.spec.ttlSecondsAfterFinished], [0, 120, 300]);
    assert.equal(job.spec.template.metadata.labels["azure.workload.identity/use"], "true");
    assert.deepEqual([pod.serviceAccountName, pod.automountServiceAccountToken, pod.restartPolicy], ["api", false, "Never"]);
    assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
    const c = pod.containers[0];
    assert.equal(c.image, CHECKER_IMAGE);
    assert.match(CHECKER_IMAGE, /@sha256:[0-9a-f]{64}$/, "pinned by digest");
    assert.deepEqual(c.args, ["/berth/identity-check.mjs"]);
    assert.equal(c.command, undefined, "the image's entrypoint is node: there is no shell");
    assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
    assert.ok(c.resources.requests.memory && c.resources.limits.memory);
    assert.deepEqual(c.env.map((e: { name: string }) => e.name), ["BERTH_VAULT_URI", "BERTH_SECRET_NAME"]);
    assert.match(String((check.objects.configMap as Record<string, any>).data["identity-check.mjs"]), /exchanges|AZURE_FEDERATED_TOKEN_FILE/);
    const policy = check.objects.networkPolicy as Record<string, any>;
    assert.deepEqual(policy.spec.podSelector.matchLabels, { "app.kubernetes.io/name": "berth-verify", "berth.dev/verify": job.metadata.name });
    assert.deepEqual(policy.spec.ingress, []);
    assert.deepEqual(policy.spec.egress.map((r: { ports: { port: number }[] }) => r.ports.map((p) => p.port)), [[53, 53], [443]]);
  });

  it("adds no finding to berth's lint (Pod Security restricted and practice rules)", () => {
    const input = (extra: ReturnType<typeof desired>[]) => specCheckInput(built.spec!, [...built.resources!, ...extra], built.secrets);
    const key = (d: { code: string; message: string }) => `${d.code} ${d.message}`;
    const without = new Set(lint(input([])).map(key));
    const added = lint(input(Object.values(check.objects).map((o) => desired(o, ["spec", "azure", "verify"])))).filter((d) => !without.has(key(d)));
    assert.deepEqual(added, []);
  });

  it("is never part of built manifests, and spec.azure.verify turns it off or changes the image", () => {
    assert.ok(!built.files!.some((f) => JSON.stringify(f).includes("berth-verify-")));
    assert.deepEqual(build({ path: SPEC, env: "dev", set: ["azure.verify.workloadIdentity=false"] }).checks, []);
    const mirrored = build({ path: SPEC, env: "dev", set: ["azure.verify.image=registry.example/distroless/nodejs22:nonroot"] }).checks![0]!.check;
    assert.equal((mirrored.objects.job as Record<string, any>).spec.template.spec.containers[0].image, "registry.example/distroless/nodejs22:nonroot");
  });

  it("is a step after the ServiceAccount, the workload, the federated credential and the role grant", () => {
    const plan = planFor({ path: SPEC, env: "dev" }).plan!;
    const step = plan.steps.find((s) => s.provider === "workload-identity")!;
    assert.equal(step.phase, "verification");
    const kinds = step.needs.map((n) => n.split(":")[1]);
    for (const k of ["v1/ServiceAccount", "apps/v1/Deployment", "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", "Microsoft.Authorization/roleAssignments", "Microsoft.ContainerService/managedClusters", "Microsoft.KeyVault/vaults"])
      assert.ok(kinds.includes(k), `needs ${k}: ${step.needs.join(", ")}`);
    assert.ok(plan.steps.find((s) => s.id === "verify")!.needs.includes(step.id), "the final verification comes after it");
  });
});

describe("which vault secret a check reads", () => {
  it("a vault-backed Secret the workloads read comes first (vault mode)", () => {
    const checks = build({ path: "examples/datasurface-airflow", env: "dev" }).checks!;
    const scheduler = checks.find((c) => c.check.serviceAccount === "airflow-scheduler")!.check;
    assert.match(scheduler.reading, /^a vault secret its workloads read \(/);
  });
});
