/** Fidelity of coordination.k8s.io/v1 Leases (berth's lock) with the real kubectl: discovery, table, create and update conflicts. */
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import { test } from "node:test";
import { ensureKubectl } from "../helm.ts";
import { startKubeApiServer } from "./index.ts";

const run = promisify(execFile);

const lease = (holder: string, resourceVersion?: string) => `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: berth.shop.dev
  namespace: berth-system
${resourceVersion ? `  resourceVersion: "${resourceVersion}"\n` : ""}spec:
  holderIdentity: ${holder}
  leaseDurationSeconds: 30
  acquireTime: "2026-11-28T12:00:00.000000Z"
  renewTime: "2026-11-28T12:00:00.000000Z"
  leaseTransitions: 0
`;

test("kubectl: leases are served (get lease shows the holder), a second create is AlreadyExists, a stale update is a Conflict", async () => {
  const server = await startKubeApiServer();
  const dir = mkdtempSync(join(tmpdir(), "kube-api-lease-"));
  try {
    mkdirSync(join(dir, "home"));
    const kubectl = async (...args: string[]) =>
      (await run(process.env.KUBE_API_SERVER_KUBECTL ?? ensureKubectl(), ["--kubeconfig", server.writeKubeconfig(dir), "--cache-dir", join(dir, "cache"), ...args], { timeout: 15_000, env: { ...process.env, HOME: join(dir, "home") } })).stdout;
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: "berth-system" } });
    assert.match(await kubectl("api-resources", "--api-group", "coordination.k8s.io"), /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
    await kubectl("create", "-f", file("a.yaml", lease("alice@laptop/41/aaaa")));
    assert.match(await kubectl("get", "lease", "-n", "berth-system"), /^NAME\s+HOLDER\s+AGE\nberth\.shop\.dev\s+alice@laptop\/41\/aaaa\s+\S+\n$/);
    await assert.rejects(kubectl("create", "-f", file("b.yaml", lease("bob@ci/7/bbbb"))), (e: Error & { stderr: string }) => /AlreadyExists|already exists/.test(e.stderr));
    const live = JSON.parse(await kubectl("get", "lease", "-n", "berth-system", "berth.shop.dev", "-o", "json"));
    assert.equal(live.spec.leaseDurationSeconds, 30);
    const rv = String(live.metadata.resourceVersion);
    await kubectl("replace", "-f", file("c.yaml", lease("bob@ci/7/bbbb", rv)));
    await assert.rejects(kubectl("replace", "-f", file("d.yaml", lease("carol@ci/9/cccc", rv))), (e: Error & { stderr: string }) => /Conflict|the object has been modified/.test(e.stderr));
    assert.equal(server.get("coordination.k8s.io/v1", "Lease", "berth-system", "berth.shop.dev")?.spec.holderIdentity, "bob@ci/7/bbbb", "only the update carrying the current resourceVersion won");
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
