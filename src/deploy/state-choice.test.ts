/**
 * connect() keeps the state where spec.state says, and without it where it did before (the cluster when the plan
 * deploys to one that exists, local files otherwise) — and makes a Kubernetes provider only when something needs it.
 * Nothing is sent: the stores are made, not used.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { planFor } from "../index.ts";
import type { Plan } from "../plan/step.ts";
import { tempDir } from "../../test/support/cli.ts";
import { connect } from "./target.ts";

const planOf = (path: string, set: string[] = []): Plan => {
  const r = planFor({ path, env: "dev", set });
  assert.ok(r.plan, JSON.stringify(r.diagnostics, null, 2));
  return r.plan;
};

/** A kubeconfig naming a cluster nobody asks: connect() makes a provider, it does not call it. */
const target = () => {
  const dir = tempDir("berth-state-choice-");
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\ncurrent-context: x\n");
  return { stateDir: join(dir, "state"), kubeconfig };
};
const BLOB = ["state.backend=azureBlob", "state.azureBlob.storageAccount=acmeberthstate", "state.azureBlob.prefix=teams/data"];

const cases: { name: string; path: string; set: string[]; lease: RegExp; journal: RegExp; kubernetes: boolean; inCluster: boolean }[] = [
  { name: "Azure-only, no choice: local files, no Kubernetes", path: "test/fixtures/azure-only", set: [], lease: /^lock files .*state\/shared\.dev\/lock$/, journal: /state\/shared\.dev\/journal\.jsonl$/, kubernetes: false, inCluster: false },
  {
    name: "Azure-only, azureBlob: the container of the spec's account, journal included, no Kubernetes",
    path: "test/fixtures/azure-only",
    set: BLOB,
    lease: /^blob lease https:\/\/acmeberthstate\.blob\.core\.windows\.net\/berth-state\/teams\/data\/shared\.dev\/lock$/,
    journal: /^https:\/\/acmeberthstate\.blob\.core\.windows\.net\/berth-state\/teams\/data\/shared\.dev\/journal\.jsonl$/,
    kubernetes: false,
    inCluster: false,
  },
  { name: "Kubernetes, no choice: the cluster", path: "test/fixtures/deploy/shop", set: [], lease: /^Lease berth-system\/berth\.shop\.dev$/, journal: /state\/shop\.dev\/journal\.jsonl$/, kubernetes: true, inCluster: true },
  { name: "Kubernetes, local: files, the cluster still deployed to", path: "test/fixtures/deploy/shop", set: ["state.backend=local"], lease: /^lock files /, journal: /state\/shop\.dev\/journal\.jsonl$/, kubernetes: true, inCluster: false },
];

for (const c of cases)
  test(`state: ${c.name}`, () => {
    const connected = connect(planOf(c.path, c.set), target());
    assert.match(connected.lease.where, c.lease);
    assert.match(connected.journal.where, c.journal);
    assert.equal(connected.kubernetes !== undefined, c.kubernetes);
    assert.equal(connected.stateInCluster, c.inCluster);
  });
