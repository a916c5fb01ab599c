/**
 * `berth up`: read the cluster, stop on anything that blocks before changing a thing, then run the plan (and the
 * pruning of what left the spec) under the lock, journaled, as one revision. An unfinished earlier run is resumed:
 * what it finished is re-verified, what it left in flight is read again from the cluster.
 */
import { randomUUID } from "node:crypto";
import type { EventSink } from "../engine/events.ts";
import { type JournalWriter, JournalWriteError, type UnfinishedRun, unfinishedRun } from "../engine/journal.ts";
import { acquireLease, type HeldLease, LockHeld, LockLost, newHolder } from "../engine/lock.ts";
import { beyondRetention, DEFAULT_HISTORY_MAX, newRevision, nextRevisionNumber, type Revision, type RevisionContext, type RevisionStatus } from "../engine/revisions.ts";
import { runSteps } from "../engine/run-steps.ts";
import type { Plan, PlanStep } from "../plan/step.ts";
import { type LiveState, type Progress, type Provider, ProviderUnavailable, StateStoreError } from "../providers/provider.ts";
import { systemClock } from "../util/clock.ts";
import { berthVersion } from "../util/version.ts";
import { type Consent, GO } from "./consent.ts";
import { type Blocker, type Inspection, inspectPlan } from "./inspect.ts";
import { connect, type Connected, type DeployTarget, engineSettings, preflight } from "./target.ts";

export type UpStatus = "ok" | "failed" | "interrupted" | "blocked" | "unreachable" | "locked" | "declined" | "refused";

/** What a revision records beyond the plan: the --set list (masked at secret-like paths) and the spec's digest. */
export type RunRecord = Omit<RevisionContext, "berthVersion">;

export interface UpOptions {
  readonly onEvent: EventSink;
  readonly signal?: AbortSignal;
  /** How the run is named in the lock and the revision (`berth up examples/x --env dev`). */
  readonly command: string;
  /** Asked once the changes are known; anything but go leaves everything as it is. */
  readonly confirm?: (inspection: Inspection) => Promise<Consent>;
  /** Also prune data-holding objects that left the spec (claims, generated credentials, their namespaces). */
  readonly pruneData?: boolean;
  readonly rollbackOf?: number;
  /** Replaces the journal's writer (tests simulate a full disk). */
  readonly journal?: (path: string) => JournalWriter;
  readonly record?: RunRecord;
}

export interface UpResult {
  readonly status: UpStatus;
  readonly error?: string;
  readonly blockers?: readonly Blocker[];
  readonly inspection?: Inspection;
  readonly revision?: number;
  readonly resumed?: { readonly run: string; readonly done: number; readonly inFlight: number };
}

/** A run under the lock: its connection (providers that refuse to mutate once the lease is lost) and its history. */
export interface Session {
  readonly connected: Connected;
  /** Aborted on SIGINT/SIGTERM and when the lease is lost. */
  readonly signal: AbortSignal;
  readonly lease: HeldLease;
  /** The revisions in the cluster when the lock was taken. */
  readonly history: readonly Revision[];
}

/** Every provider's `run` (the only mutation) checks the lease is still held first, and before every retry of a request. */
const guarded = (provider: Provider, lease: HeldLease): Provider =>
  new Proxy(provider, {
    get(target, key, receiver) {
      if (key === "run")
        return (step: PlanStep, live: LiveState, progress: Progress, signal: AbortSignal) => {
          lease.assertHeld();
          const check = progress.beforeAttempt;
          return target.run(step, live, { ...progress, beforeAttempt: () => (lease.assertHeld(), check?.()) }, signal);
        };
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });

const unlockHint = (command: string, id: string | undefined) => `If no run is going on, clear it with: berth unlock ${command.split(" ").slice(2).join(" ")} --force${id ? ` --id ${id}` : ""}`.replace(/ {2,}/g, " ");

/**
 * Runs `work` with the connection and the cluster lock (a Lease, renewed while `work` runs); reports an
 * unreachable cluster, a held lock or a lock lost mid-run as results. Revisions a killed run left "in-progress"
 * are marked "interrupted" once the lock is ours.
 */
export async function underLock<T extends { status: string; error?: string }>(
  plan: Plan,
  target: DeployTarget,
  command: string,
  signal: AbortSignal | undefined,
  work: (session: Session) => Promise<T>,
): Promise<T | { status: "unreachable" | "locked" | "failed"; error: string }> {
  let connected: Connected;
  try {
    connected = connect(plan, target);
    await preflight(connected);
  } catch (error) {
    if (error instanceof ProviderUnavailable) return { status: "unreachable", error: error.message };
    throw error;
  }
  let lease: HeldLease;
  try {
    lease = await acquireLease(connected.lease, newHolder(command, target.lease?.clock), target.lease);
  } catch (error) {
    if (error instanceof LockHeld) return { status: "locked", error: `${error.message}. ${unlockHint(command, error.holder?.id)}` };
    if (error instanceof ProviderUnavailable) return { status: "unreachable", error: error.message };
    if (error instanceof StateStoreError) return { status: "failed", error: `${error.message}; nothing was changed` };
    throw error;
  }
  try {
    const history = await connected.revisions.list();
    for (const r of history.filter((x) => x.status === "in-progress")) {
      lease.assertHeld();
      await connected.revisions.replace({ ...r, status: "interrupted", error: "the run ended without finishing (killed, or its lock expired)" });
    }
    const providers = Object.fromEntries(Object.entries(connected.providers).map(([name, p]) => [name, guarded(p, lease)]));
    const combined = signal ? AbortSignal.any([signal, lease.signal]) : lease.signal;
    const result = await work({ connected: { ...connected, providers }, signal: combined, lease, history: history.map((r) => (r.status === "in-progress" ? { ...r, status: "interrupted" } : r)) });
    // A run whose lease went while it ran stopped before its next change; say so rather than what the steps saw.
    if (lease.signal.aborted) return { status: "locked", error: `${(lease.signal.reason as Error).message}; stopped before the next change. Run berth up again to resume` };
    return result;
  } catch (error) {
    if (error instanceof LockLost) return { status: "locked", error: `${error.message}. Run berth up again to resume` };
    if (error instanceof ProviderUnavailable) return { status: "unreachable", error: error.message };
    if (error instanceof StateStoreError) return { status: "failed", error: error.message };
    // The journal could not be started: the run stopped before its first change.
    if (error instanceof JournalWriteError) return { status: "failed", error: `${error.message}; stopped before any change` };
    throw error;
  } finally {
    await lease.release();
  }
}

/** Writes a new revision, "in-progress", before the run changes anything. */
export async function startRevision(session: Session, plan: Plan, fields: Pick<Revision, "run" | "action" | "command"> & { rollbackOf?: number }, record: RunRecord | undefined): Promise<Revision> {
  const revision = newRevision(
    plan,
    { ...fields, revision: nextRevisionNumber(session.history), startedAt: new Date().toISOString() },
    { ...record, berthVersion: berthVersion() },
  );
  session.lease.assertHeld();
  await session.connected.revisions.create(revision);
  return revision;
}

/** Records how the run ended, then deletes the revisions beyond the retention limit. */
export async function finishRevision(session: Session, revision: Revision, status: RevisionStatus, error: string | undefined, historyMax = DEFAULT_HISTORY_MAX): Promise<void> {
  session.lease.assertHeld();
  const store = session.connected.revisions;
  await store.replace({ ...revision, status, finishedAt: new Date().toISOString(), ...(error ? { error } : {}) });
  for (const old of beyondRetention([...session.history, revision], historyMax)) await store.remove(old);
}

/**
 * This machine's unfinished run, unless the cluster's history moved on past it (another machine deployed since):
 * then what the journal calls done no longer says anything about the cluster, and the run starts afresh.
 */
function staleOrOwn(unfinished: UnfinishedRun | undefined, history: readonly Revision[], onEvent: EventSink): UnfinishedRun | undefined {
  if (unfinished?.revision === undefined) return unfinished;
  const newer = history.filter((r) => r.revision > unfinished.revision!).map((r) => r.revision);
  if (!newer.length) return unfinished;
  onEvent({ type: "note", message: `not resuming run ${unfinished.run} from the journal: the history holds revision #${Math.max(...newer)}, newer than its #${unfinished.revision} (another run since); starting afresh` });
  return undefined;
}

export async function up(plan: Plan, target: DeployTarget, options: UpOptions): Promise<UpResult> {
  return underLock(plan, target, options.command, options.signal, async (session): Promise<UpResult> => {
    const { connected, signal } = session;
    const inspection = await inspectPlan(plan, connected, target.concurrency, { pruneData: options.pruneData ?? false, history: session.history });
    if (inspection.blockers.length) return { status: "blocked", blockers: inspection.blockers, inspection, error: `${inspection.blockers.length} problem${inspection.blockers.length === 1 ? "" : "s"} found before any change; nothing was changed` };
    const consent = options.confirm ? await options.confirm(inspection) : GO;
    if (!consent.go) return { status: consent.status, error: consent.message, inspection };

    const unfinished = staleOrOwn(unfinishedRun(await connected.journal.read()), session.history, options.onEvent);
    const resumed = unfinished ? { run: unfinished.run, done: unfinished.done.size, inFlight: unfinished.inFlight.length } : undefined;
    if (resumed) options.onEvent({ type: "note", message: `resuming run ${resumed.run}: ${resumed.done} steps finished (re-verified, not redone), ${resumed.inFlight} were in flight (read again from the cluster)` });

    const journal = options.journal ? options.journal(connected.paths.journal) : connected.journal.writer();
    const run = randomUUID().slice(0, 8);
    const rollback = options.rollbackOf !== undefined;
    const revision = await startRevision(session, plan, { run, action: rollback ? "rollback" : "up", command: options.command, ...(rollback ? { rollbackOf: options.rollbackOf } : {}) }, options.record);
    await journal.append({ run, event: "run-started", revision: revision.revision });
    const steps = [...plan.steps, ...inspection.prune];
    const clock = target.clock ?? systemClock;
    const started = clock.now();
    options.onEvent({ type: "run", state: "started", run, revision: revision.revision, steps: steps.length });
    const result = await runSteps(steps, {
      providers: connected.providers,
      journal,
      run,
      signal,
      onEvent: options.onEvent,
      inspected: inspection.live,
      ...(unfinished ? { doneBefore: unfinished.done, outputs: unfinished.outputs } : {}),
      ...engineSettings(target),
    });
    try {
      await journal.append({ run, event: "run-finished", status: result.status });
    } catch {
      // already reported by the step that could not write
    }
    // Lost the lease: the history is no longer ours to write (underLock reports it as "locked").
    if (session.lease.signal.aborted) return { status: "locked", revision: revision.revision };
    await finishRevision(session, revision, result.status === "ok" ? "deployed" : result.status, result.error, target.historyMax);
    options.onEvent({ type: "run", state: "finished", run, revision: revision.revision, status: result.status, elapsedMs: clock.now() - started });
    return { status: result.status, ...(result.error ? { error: result.error } : {}), inspection, revision: revision.revision, ...(resumed ? { resumed } : {}) };
  });
}
