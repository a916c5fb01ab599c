/**
 * issue 11 item 3, done-when: after `berth up` deploys, a Job under each ServiceAccount carrying an identity proves
 * the identity works from inside the cluster, against the Azure and Kubernetes test servers (the webhook injects, the
 * kubelet runs berth's checker for real, Entra matches federated credentials, the vault authorises by RBAC); a failure
 * names the cause it can prove: the role and scope missing, both values of a federated subject that differs, the pods
 * started before their ServiceAccount was annotated with their restart; AADSTS70021 while a new credential propagates
 * is retried on the clock until it clears. One virtual clock drives the engine and both servers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { EngineEvent } from "../../src/engine/events.ts";
import type { Scenario } from "../support/azure-api-server/index.ts";
import { type AzureWorld as World, azureWorld } from "../support/azure-world.ts";

const SPEC = "test/fixtures/azure-identity";
const FIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
const CHECK = "workload-identity:apps:api";

const world = (env: string, scenario: Scenario = {}): Promise<World> => azureWorld(SPEC, env, scenario);

const stepEvent = (w: World, state: string) => w.events.find((e): e is Extract<EngineEvent, { type: "step" }> => e.type === "step" && e.id === CHECK && e.state === state);
const notes = (w: World) => w.events.filter((e) => e.type === "note" && e.id === CHECK).map((e) => (e.type === "note" ? e.message : ""));

describe("workload identity verified after berth up", () => {
  test("a good spec passes: the check pod exchanges its token and reads a vault secret, whose value goes nowhere", async () => {
    const w = await world("dev");
    try {
      const result = await w.up();
      assert.equal(result.status, "ok", `${result.error}`);
      const done = stepEvent(w, "done")!;
      assert.match(done.message!, /identity api of ServiceAccount apps\/api works: token exchanged; secret wi--dev--sql-db--admin-password read/);
      const reads = w.azure.requests.filter((r) => r.service === "keyvault");
      assert.deepEqual(reads.map((r) => `${r.method} ${r.status}`), ["GET 200"]);
      assert.deepEqual(w.kube.list().filter((o) => o.metadata?.name?.startsWith("berth-verify-") && o.kind !== "Event").map((o) => o.kind), [], "the Job, ConfigMap and NetworkPolicy are gone once read");
      const stored = w.azure.resources("Microsoft.KeyVault/vaults/secrets").find((r) => String(r.name).endsWith("wi--dev--sql-db--admin-password"))!;
      const value = String(w.azure.writeOnly(String(stored.id), "properties.value") ?? "");
      assert.ok(value.length > 8, "the vault secret read is the SQL admin password the provider generated");
      const journal = readFileSync(join(w.target.stateDir, w.plan.instance, "journal.jsonl"), "utf8");
      for (const text of [JSON.stringify(w.events), journal]) assert.ok(!text.includes(value), "the secret's value is never in an event or the journal");
    } finally {
      await w.close();
    }
  });

  test("an identity without a role on the vault fails the check naming the role and the scope", async () => {
    const w = await world("norole");
    try {
      const result = await w.up();
      assert.equal(result.status, "failed");
      const failed = stepEvent(w, "failed")!;
      assert.equal(failed.reason, "VERIFY-ROLE-MISSING");
      const vault = `/subscriptions/${w.azure.subscriptionId}/resourceGroups/wi-norole-main/providers/Microsoft.KeyVault/vaults/wi-norole-main`;
      assert.equal(failed.message, `identity api lacks Key Vault Secrets User on ${vault} (ServiceAccount apps/api could not read secret wi--norole--sql-db--admin-password)`);
      assert.ok(failed.lines?.some((l) => /^vault: Caller is not authorized/.test(l)), JSON.stringify(failed.lines));
      assert.deepEqual(notes(w), [], "a role the plan never gives is not waited for");
    } finally {
      await w.close();
    }
  });

  test("a federated credential with another subject fails naming both subjects, without waiting for propagation", async () => {
    const w = await world("dev");
    try {
      // The credential is changed outside berth right after berth wrote it: ARM now holds another subject.
      const tamper = (e: EngineEvent) => {
        if (e.type !== "step" || e.state !== "done" || !e.id.includes(FIC)) return;
        const live = w.azure.resource(w.plan.steps.find((s) => s.id === e.id)!.action.type === "ensure" ? (w.plan.steps.find((s) => s.id === e.id)!.action as { resource: { id: string } }).resource.id : "")!;
        w.azure.seed({ ...live, properties: { ...live.properties, subject: "system:serviceaccount:apps:api-old" } });
      };
      const result = await w.up(tamper);
      assert.equal(result.status, "failed");
      const failed = stepEvent(w, "failed")!;
      assert.equal(failed.reason, "VERIFY-FEDERATION-MISMATCH");
      assert.match(failed.message!, /subject mismatch: federated credential apps-api of identity api expects subject system:serviceaccount:apps:api-old, the pod's token has subject system:serviceaccount:apps:api \(AADSTS70021\)/);
      assert.ok(failed.lines?.some((l) => l.startsWith("credential apps-api:") && l.includes("(subject differs)")), JSON.stringify(failed.lines));
      assert.deepEqual(notes(w), [], "no credential matches: nothing to wait for");
    } finally {
      await w.close();
    }
  });

  test("AADSTS70021 while the new credential propagates is retried on the clock and then passes (F17)", async () => {
    const w = await world("dev", { federationPropagationMs: 12_000 });
    try {
      const result = await w.up();
      assert.equal(result.status, "ok", `${result.error}`);
      const waits = notes(w);
      assert.ok(waits.length >= 1, "at least one retry");
      assert.match(waits[0]!, /^AADSTS70021: federated credential apps-api matches, but Entra does not accept it yet \(propagating\); checking again in 5s \(attempt 2\)$/);
      const exchanges = w.azure.requests.filter((r) => r.service === "entra" && r.path.endsWith("/oauth2/v2.0/token") && r.code !== undefined);
      assert.ok(exchanges.length >= 1 && exchanges.every((r) => r.status === 400));
      const credential = w.azure.resources(FIC)[0]!;
      const written = Date.parse(String((credential.systemData as { lastModifiedAt: string }).lastModifiedAt));
      const passed = w.azure.requests.filter((r) => r.service === "keyvault").at(-1)!;
      assert.ok(passed.at >= written + 12_000, "the check passed only once the credential had propagated, on the clock");
    } finally {
      await w.close();
    }
  });

  test("pods started before their ServiceAccount carried the identity are named, with the restart that fixes them", async () => {
    const w = await world("dev");
    try {
      assert.equal((await w.up()).status, "ok");
      // The annotation is lost and the pod replaced meanwhile (someone re-created the ServiceAccount): the new pod has no identity.
      const sa = w.kube.get("v1", "ServiceAccount", "apps", "api")!;
      delete sa.metadata.annotations["azure.workload.identity/client-id"];
      w.kube.seed({ ...sa, metadata: { ...sa.metadata, managedFields: undefined } });
      const api = () => w.kube.list("v1", "Pod").filter((p) => p.metadata.labels?.["app.kubernetes.io/name"] === "api");
      const before = new Set(api().map((p) => p.metadata.name));
      for (const name of before) await fetch(`${w.kube.url}/api/v1/namespaces/apps/pods/${name}`, { method: "DELETE" });
      const fresh = () => api().filter((p) => !before.has(p.metadata.name));
      for (let i = 0; i < 100 && fresh().length < before.size; i++) await w.kube.clock.sleep(10);
      const stale = fresh();
      assert.ok(stale.length > 0 && stale.every((p) => !p.spec.containers[0].env?.some((e: { name: string }) => e.name === "AZURE_CLIENT_ID")));

      w.events.length = 0;
      const result = await w.up();
      assert.equal(result.status, "failed");
      const failed = stepEvent(w, "failed")!;
      assert.equal(failed.reason, "VERIFY-NOT-INJECTED");
      const named = stale.map((p) => `${p.metadata.name} \\(Deployment api\\)`).join(", ");
      assert.match(failed.message!, new RegExp(`run without it \\(no AZURE_CLIENT_ID\\): ${named}; restart: kubectl rollout restart deployment/api -n apps$`));
      assert.equal(w.kube.get("v1", "ServiceAccount", "apps", "api")!.metadata.annotations["azure.workload.identity/client-id"] !== undefined, true, "berth put the annotation back; the pod still predates it");
    } finally {
      await w.close();
    }
  });
});
