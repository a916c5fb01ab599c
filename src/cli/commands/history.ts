/**
 * `history`, `rollback` and `unlock`: they read and clear berth's state where the spec keeps it (the cluster, a blob
 * container, or the state folder), so every machine that reaches it sees the same.
 */
import { connect, type Connected, preflight } from "../../deploy/target.ts";
import { forceUnlock } from "../../engine/lock.ts";
import type { Revision } from "../../engine/revisions.ts";
import type { Plan } from "../../plan/step.ts";
import { ProviderUnavailable } from "../../providers/provider.ts";
import { serverMessage } from "../../providers/kubernetes/errors.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { type ClusterFlags, planOrReport, targetOf } from "./deploy-flags.ts";
import { deploy, type UpFlags } from "./up.ts";

/**
 * Connects and reads; an unreachable cluster or state is exit 4 as for every cluster command, never a stack trace.
 * The providers are reached first only when the state is in the cluster: a history in a blob container or in the
 * state folder is read without Azure Resource Manager or a cluster.
 */
async function withCluster(name: string, plan: Plan, path: string, flags: ClusterFlags, io: CliIO, work: (c: Connected) => Promise<number>): Promise<number> {
  try {
    const connected = connect(plan, targetOf(path, flags));
    if (connected.stateInCluster) await preflight(connected);
    return await work(connected);
  } catch (error) {
    if (error instanceof ProviderUnavailable) {
      io.err(`berth ${name}: ${error.message}`);
      return EXIT.unreachable;
    }
    io.err(`berth ${name}: cannot read berth's state: ${serverMessage(error)}`);
    return EXIT.failure;
  }
}

const line = (r: Revision): string =>
  [
    `#${r.revision}  ${r.status.padEnd(11)} ${r.startedAt}  ${r.action.padEnd(8)} ${r.plan.steps.length} steps  by ${r.by}  ${r.command}`,
    ...r.set.map((s) => ` --set ${s}`),
    r.rollbackOf !== undefined ? `  (rollback to #${r.rollbackOf})` : "",
  ].join("");

export async function runHistory(path: string, flags: ClusterFlags, io: CliIO): Promise<number> {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  return withCluster("history", plan, path, flags, io, async (connected) => {
    const revisions = await connected.revisions.list();
    if (flags.json) {
      io.out(JSON.stringify(revisions.map(({ plan: p, ...r }) => ({ ...r, steps: p.steps.length })), null, 2));
      return EXIT.ok;
    }
    if (!revisions.length) io.out(`no revisions of ${plan.instance} yet (${connected.revisions.where})`);
    for (const r of revisions) io.out(line(r));
    return EXIT.ok;
  });
}

/** Deploys an earlier revision's plan again, as a new revision (what it lacks is pruned, as on any `up`). */
export async function runRollback(path: string, flags: UpFlags & { to?: string }, io: CliIO): Promise<number> {
  const current = planOrReport(path, flags, io);
  if (!current) return EXIT.badInput;
  let revisions: Revision[] | undefined;
  const read = await withCluster("rollback", current, path, flags, io, async (connected) => {
    revisions = await connected.revisions.list();
    return EXIT.ok;
  });
  if (!revisions) return read;
  const deployed = revisions.filter((r) => r.status === "deployed" && r.action !== "down");
  // After a down, "back" means what was taken down (the last deployed); otherwise the deployed one before the current.
  const to = flags.to !== undefined ? Number(flags.to) : (revisions.at(-1)?.action === "down" ? deployed.at(-1) : deployed.at(-2))?.revision;
  const revision = to !== undefined && Number.isInteger(to) ? revisions.find((r) => r.revision === to && r.action !== "down") : undefined;
  if (!revision) {
    io.err(to === undefined ? "berth rollback: no earlier deployed revision; see berth history" : `berth rollback: no revision #${flags.to} to deploy again; see berth history`);
    return EXIT.badInput;
  }
  if (revision.scrubbed?.length) {
    io.err(`berth rollback: revision #${revision.revision} was deployed with secret-like --set values (${revision.scrubbed.join(", ")}) that berth did not store\n  hint: deploy it with berth up and those --set values instead`);
    return EXIT.badInput;
  }
  // Kept where the spec keeps its state now, wherever the revision's own run kept it.
  const { state: _then, ...replayed } = revision.plan;
  const plan: Plan = current.state ? { ...replayed, state: current.state } : replayed;
  return deploy(plan, path, flags, io, `berth rollback ${path} --env ${flags.env} --to ${revision.revision}`, revision.revision, { set: revision.set, ...(revision.specDigest ? { specDigest: revision.specDigest } : {}) });
}

export async function runUnlock(path: string, flags: ClusterFlags & { force?: boolean; id?: string }, io: CliIO): Promise<number> {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  if (!flags.force) {
    io.err("berth unlock: pass --force to clear the lock; make sure no berth run is going on first (a crashed run's lock expires by itself)");
    return EXIT.badInput;
  }
  return withCluster("unlock", plan, path, flags, io, async (connected) => {
    try {
      const cleared = await forceUnlock(connected.lease, flags.id);
      io.out(cleared ? `cleared the lock ${cleared.id} held by ${cleared.command} (pid ${cleared.pid} on ${cleared.host}); ${connected.lease.where} ${connected.lease.clearing ?? "deleted"}` : "there was no lock");
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof Error) || /^the lock/.test(error.message) === false) throw error;
      io.err(`berth unlock: ${error.message}`);
      return EXIT.failure;
    }
  });
}
