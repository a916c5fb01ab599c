/**
 * A revision must fit one Secret: the plan's needs are stored once per distinct list (they grow with the square of
 * the platform otherwise), and a plan still too big is refused before any change with a message, not by the API server.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { syntheticSpec } from "../../bench/synthetic.ts";
import { planFor } from "../index.ts";
import type { Plan } from "../plan/step.ts";
import { tempDir } from "../../test/support/cli.ts";
import { decodeRevision, encodeRevision, encodeRevisionToFit, MAX_ENCODED_REVISION, newRevision, RevisionTooLarge } from "./revisions.ts";

const FIELDS = { revision: 1, run: "r", action: "up", command: "berth up", startedAt: "t" } as const;

test("revisions: the plan of 1,000 synthetic apps (bench scale) fits one Secret and reads back identical, needs included", () => {
  const dir = join(tempDir(), "bench-1000");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "berth.yaml"), syntheticSpec(1000).replace("  apps:", "  environments: { dev: {} }\n  apps:"));
  const result = planFor({ path: dir, env: "dev" });
  assert.ok(result.plan, JSON.stringify(result.diagnostics).slice(0, 500));
  const plan = result.plan;
  const needs = plan.steps.reduce((n, s) => n + s.needs.length, 0);
  assert.ok(needs > 1_000_000, `${needs} needs: the quadratic case this guards`);
  const r = newRevision(plan, FIELDS, { berthVersion: "0" });
  const stored = encodeRevisionToFit(r);
  assert.ok(stored.length < MAX_ENCODED_REVISION, `${Math.round(stored.length / 1024)} KiB stored`);
  assert.deepEqual(decodeRevision(stored), r);
});

test("revisions: a plan too big for one Secret is refused with what to do; revisions written before needs lists still read", () => {
  const noise = randomBytes(1024 * 1024).toString("base64");
  const plan = {
    version: 1,
    platform: "x",
    env: "dev",
    instance: "x.dev",
    steps: [{ id: "a", title: "apply", provider: "kubernetes", phase: "apps", group: "apps.web", needs: [], wave: 0, timeoutMs: 1, digest: "d", action: { type: "apply", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { noise } } } }],
  } as unknown as Plan;
  const r = newRevision(plan, FIELDS, { berthVersion: "0" });
  assert.throws(() => encodeRevisionToFit(r), (e: unknown) => e instanceof RevisionTooLarge && /the revision record of this plan \(1 steps\) is \d+ KiB compressed, over the 900 KiB one Secret can hold; nothing was changed\. Split the platform/.test(e.message));
  assert.ok(encodeRevision(r).length > MAX_ENCODED_REVISION);
  const old = gzipSync(JSON.stringify({ ...r, plan: { ...r.plan, steps: [{ ...r.plan.steps[0], needs: ["z"] }] } }));
  assert.deepEqual(decodeRevision(old).plan.steps[0]!.needs, ["z"]);
});
