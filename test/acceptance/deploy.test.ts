/**
 * berth up / status / down end to end against the Kubernetes test API server, for every bundled example, and
 * kubectl (the real binary) reading back what berth reports.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { liveObjects, planOf, seedUserSecrets, testCluster } from "../support/deploy.ts";

const EXAMPLES = readdirSync("examples").filter((d) => existsSync(join("examples", d, "berth.yaml"))).sort();
const CANARY = "CANARY-7f3a9c";

for (const example of EXAMPLES)
  test(`up, status and down: examples/${example} (dev)`, async () => {
    const c = await testCluster();
    try {
      const path = `examples/${example}`;
      const plan = planOf(path, "dev");
      seedUserSecrets(c.server, plan, CANARY);

      const upRun = await c.berth("up", path, "dev", "--yes");
      assert.equal(upRun.code, 0, upRun.stderr);
      assert.match(upRun.stdout, /revision 1 deployed/);

      const expected = plan.steps
        .flatMap((s): { kind: string; namespace?: string; name: string }[] => (s.action.type === "apply" ? [{ kind: s.action.object.kind, namespace: s.action.object.metadata.namespace, name: s.action.object.metadata.name }] : s.action.type === "generate-secret" ? [s.action.ref] : []))
        .map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`)
        .sort();
      assert.deepEqual(liveObjects(c.server, plan.instance), expected);
      const seen = JSON.parse(await c.kubectl("get", "namespaces,serviceaccounts,configmaps,secrets,services,deployments,statefulsets,jobs,networkpolicies,poddisruptionbudgets", "-A", "-l", `berth.dev/instance=${plan.instance}`, "-o", "json")) as { items: { kind: string; metadata: { name: string; namespace?: string } }[] };
      const seenNames = seen.items.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`).sort();
      assert.deepEqual(seenNames, expected.filter((e) => /^(Namespace|ServiceAccount|ConfigMap|Secret|Service|Deployment|StatefulSet|Job|NetworkPolicy|PodDisruptionBudget) /.test(e)), "kubectl sees what berth reports");

      const statusRun = await c.berth("status", path, "dev");
      assert.equal(statusRun.code, 0, statusRun.stdout + statusRun.stderr);
      assert.doesNotMatch(statusRun.stdout, /✗/);

      const again = await c.berth("plan", path, "dev");
      assert.equal(again.code, 0, `a second plan has nothing to do:\n${again.stdout}`);

      const azure = c.azure();
      if (azure) {
        if (plan.steps.some((s) => s.provider === "kubernetes")) {
          // Identity wired from one source: each annotated ServiceAccount has the federated credential its tokens need.
          const issuer = (azure.resources("Microsoft.ContainerService/managedClusters")[0]?.properties as { oidcIssuerProfile?: { issuerURL?: string } } | undefined)?.oidcIssuerProfile?.issuerURL;
          const credentials = azure.resources("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials").map((f) => f.properties as { issuer: string; subject: string });
          const accounts = c.server.list("v1", "ServiceAccount").filter((sa) => sa.metadata.labels?.["berth.dev/instance"] === plan.instance && sa.metadata.annotations?.["azure.workload.identity/client-id"]);
          assert.ok(accounts.length > 0 && issuer);
          for (const sa of accounts) assert.ok(credentials.some((f) => f.issuer === issuer && f.subject === `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`), `${sa.metadata.name}: no federated credential with the cluster's issuer`);
        }
        const writes = azure.writes();
        const databricksWrites = c.databricks()?.writes();
        const second = await c.berth("up", path, "dev", "--yes");
        assert.equal(second.code, 0, second.stderr);
        assert.equal(azure.writes(), writes, "a second up makes no ARM write");
        assert.equal(c.databricks()?.writes(), databricksWrites, "nor any Databricks write");
      }

      const downRun = await c.berth("down", path, "dev", "--yes");
      assert.equal(downRun.code, 0, downRun.stderr);
      // Resources the spec declares existing (IT's cluster and vault) are read, never written or deleted.
      const existing = plan.steps.flatMap((st) => (st.action.type === "ensure" && st.action.resource.existing ? [st.action.resource.id.toLowerCase()] : []));
      const touched = (c.azure()?.requests ?? []).filter((r) => r.write && existing.some((id) => r.path.toLowerCase() === id || r.path.toLowerCase().startsWith(`${id}/`) && !/\/providers\/microsoft\.authorization\/roleassignments\//.test(r.path.toLowerCase())));
      assert.deepEqual(touched.map((r) => `${r.method} ${r.path}`), [], "nothing existing is written");
      const left = liveObjects(c.server, plan.instance);
      for (const o of left) assert.match(o, /^(Secret|PersistentVolumeClaim|Namespace) /, `only data and the namespaces holding it are kept: ${o}`);

      for (const text of [upRun.stdout, upRun.stderr, statusRun.stdout, again.stdout, downRun.stdout, downRun.stderr, ...stateFiles(c.stateDir)]) assert.ok(!text.includes(CANARY), "no secret value in any output or state file");
      // The history in the cluster (up and down revisions, decompressed): neither the user's nor a generated value.
      const secrets = c.server.list("v1", "Secret");
      // A plan that creates its cluster, or has nothing in one, keeps its history in the state folder (docs/design/0010); others in the cluster.
      const local = (plan.cluster !== undefined && !plan.cluster.existing) || !plan.steps.some((st) => st.provider === "kubernetes");
      const history = local
        ? readdirSync(join(c.stateDir, plan.instance, "revisions")).filter((f) => f.endsWith(".json.gz")).map((f) => gunzipSync(readFileSync(join(c.stateDir, plan.instance, "revisions", f))).toString("utf8"))
        : secrets.filter((s) => s.type === "berth.dev/revision.v1").map((s) => gunzipSync(Buffer.from(s.data.revision, "base64")).toString("utf8"));
      assert.equal(history.length, c.azure() ? 3 : 2, "up (and the second up with Azure), then down");
      const generated = secrets.filter((s) => s.metadata.labels?.["berth.dev/generated"] === "true").flatMap((s) => Object.values<string>(s.data ?? {}).map((v) => Buffer.from(v, "base64").toString("utf8")));
      for (const text of history) for (const value of [CANARY, ...generated]) assert.ok(!text.includes(value), "no secret value in the cluster-stored revisions");
    } finally {
      await c.close();
    }
  });

function stateFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"));
}
