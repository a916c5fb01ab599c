import { statePaths } from "../../engine/state-dir.ts";
import { listRevisions, loadRevision } from "../../engine/revisions.ts";
import { forceUnlock } from "../../engine/lock.ts";
import { instanceOf } from "../../plan/build-plan.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { type ClusterFlags, planOrReport, targetOf } from "./deploy-flags.ts";
import { deploy, type UpFlags } from "./up.ts";

const pathsOf = (path: string, flags: ClusterFlags, platform: string) => statePaths(targetOf(path, flags).stateDir, instanceOf(platform, flags.env!));

export function runHistory(path: string, flags: ClusterFlags, io: CliIO): number {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  const revisions = listRevisions(pathsOf(path, flags, plan.platform).revisions);
  if (flags.json) {
    io.out(JSON.stringify(revisions.map(({ plan: p, ...r }) => ({ ...r, steps: p.steps.length })), null, 2));
    return EXIT.ok;
  }
  if (!revisions.length) io.out(`no revisions of ${plan.instance} yet`);
  for (const r of revisions)
    io.out(`#${r.revision}  ${r.status.padEnd(11)} ${r.startedAt}  ${r.plan.steps.length} steps  ${r.command}${r.rollbackOf !== undefined ? `  (rollback to #${r.rollbackOf})` : ""}`);
  return EXIT.ok;
}

/** Deploys an earlier revision's plan again, as a new revision (what it lacks is pruned, as on any `up`). */
export async function runRollback(path: string, flags: UpFlags & { to?: string }, io: CliIO): Promise<number> {
  const current = planOrReport(path, flags, io);
  if (!current) return EXIT.badInput;
  const dir = pathsOf(path, flags, current.platform).revisions;
  const deployed = listRevisions(dir).filter((r) => r.status === "deployed");
  const to = flags.to !== undefined ? Number(flags.to) : deployed.at(-2)?.revision;
  const revision = to !== undefined && Number.isInteger(to) ? loadRevision(dir, to) : undefined;
  if (!revision) {
    io.err(to === undefined ? "berth rollback: no earlier deployed revision; see berth history" : `berth rollback: no revision #${flags.to}; see berth history`);
    return EXIT.badInput;
  }
  return deploy(revision.plan, path, flags, io, `berth rollback ${path} --env ${flags.env} --to ${revision.revision}`, revision.revision);
}

export function runUnlock(path: string, flags: ClusterFlags & { force?: boolean; id?: string }, io: CliIO): number {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  if (!flags.force) {
    io.err("berth unlock: pass --force to clear the lock; make sure no berth run is going on first");
    return EXIT.badInput;
  }
  try {
    const cleared = forceUnlock(pathsOf(path, flags, plan.platform).lock, flags.id);
    io.out(cleared ? `cleared the lock ${cleared.id} held by ${cleared.command} (pid ${cleared.pid} on ${cleared.host})` : "there was no lock");
    return EXIT.ok;
  } catch (error) {
    io.err(`berth unlock: ${(error as Error).message}`);
    return EXIT.failure;
  }
}
