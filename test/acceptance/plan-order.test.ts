/**
 * The order `berth up` applies the datalyptica example in: every step by wave, with its phase and its direct needs
 * (the transitive reduction, so the file stays small enough to read). Reviewed: the waves follow CRDs/namespaces →
 * RBAC/ServiceAccounts → config/secrets → storage → stateful core → apps → Jobs in order → verification.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { planFor } from "../../src/index.ts";
import { directNeeds } from "../../src/plan/graph.ts";
import { assertGolden } from "../support/golden.ts";

/** `kubernetes:apps/v1/StatefulSet:datalyptica-core:postgresql` → `StatefulSet core/postgresql`. */
const short = (id: string): string => {
  if (!id.startsWith("kubernetes:")) return id;
  const [, , kind, ns, name] = /^kubernetes:(.*)\/([^/:]+):([^:]+):(.+)$/.exec(id) ?? [];
  return kind ? `${kind} ${ns === "_cluster" ? "" : `${ns!.replace(/^datalyptica-/, "")}/`}${name}` : id;
};

test("plan order of datalyptica (dev): ids, direct needs and waves match the reviewed golden", () => {
  const r = planFor({ path: "examples/datalyptica", env: "dev" });
  assert.ok(r.plan, JSON.stringify(r.diagnostics));
  const steps = r.plan.steps;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const direct = directNeeds(steps);
  // Needs on a whole phase of a namespace (the ordering rules) are shown as one entry, so the file stays readable.
  const scope = (id: string) => (short(id).split(" ")[1] ?? "").split("/").slice(0, -1).join("/") || "cluster";
  const members = new Map<string, string[]>();
  for (const s of steps) members.set(`${s.phase} ${scope(s.id)}`, [...(members.get(`${s.phase} ${scope(s.id)}`) ?? []), s.id]);
  const describeNeeds = (ids: readonly string[]): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      const group = `${byId.get(id)!.phase} ${scope(id)}`;
      const all = members.get(group)!;
      if (all.length > 1 && all.every((m) => ids.includes(m))) {
        if (!seen.has(group)) out.push(`all ${group}`);
        seen.add(group);
      } else out.push(short(id));
    }
    return out;
  };
  const lines: string[] = [];
  for (let wave = 0; wave <= Math.max(...steps.map((s) => s.wave)); wave++) {
    lines.push(`wave ${wave}`);
    for (const s of steps.filter((x) => x.wave === wave)) {
      const needs = describeNeeds(direct.get(s.id) ?? []);
      // The verification waits on every step nothing else waits for: one per line.
      if (s.action.type === "verify") lines.push(`  ${s.phase.padEnd(12)} ${short(s.id)}  ← ${needs.length} steps nothing else needs:`, ...needs.map((n) => `                 ${n}`));
      else lines.push(`  ${s.phase.padEnd(12)} ${short(s.id)}${needs.length ? `  ← ${needs.join(", ")}` : ""}`);
    }
  }
  assertGolden("test/acceptance/plan-order/datalyptica-dev.txt", `${lines.join("\n")}\n`);
  // What the golden shows is also checked as rules: needs come in earlier waves, the verification is last and alone.
  for (const s of steps) for (const n of s.needs) assert.ok(byId.get(n)!.wave < s.wave, `${s.id} after ${n}`);
  const last = Math.max(...steps.map((s) => s.wave));
  assert.deepEqual(steps.filter((s) => s.wave === last).map((s) => s.phase), ["verification"]);
});
