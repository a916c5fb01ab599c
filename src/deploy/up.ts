/**
 * `berth up`: read the cluster, stop on anything that blocks before changing a thing, then run the plan (and the
 * pruning of what left the spec) under the lock, journaled, as one revision. An unfinished earlier run is resumed:
 * what it finished is re-verified, what it left in flight is read again from the cluster.
 */
import { randomUUID } from "node:crypto";
import type { EventSink } from "../engine/events.ts";
import { FileJournal, type JournalWriter, readJournal, unfinishedRun } from "../engine/journal.ts";
import { acquireLock, LockHeld } from "../engine/lock.ts";
import { nextRevision, saveRevision, type Revision } from "../engine/revisions.ts";
import { runSteps } from "../engine/run-steps.ts";
import { ensureStateDir } from "../engine/state-dir.ts";
import type { Plan } from "../plan/step.ts";
import { ProviderUnavailable } from "../providers/provider.ts";
import { type Consent, GO } from "./consent.ts";
import { type Blocker, type Inspection, inspectPlan } from "./inspect.ts";
import { connect, type Connected, type DeployTarget } from "./target.ts";

export type UpStatus = "ok" | "failed" | "interrupted" | "blocked" | "unreachable" | "locked" | "declined" | "refused";

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
}

export interface UpResult {
  readonly status: UpStatus;
  readonly error?: string;
  readonly blockers?: readonly Blocker[];
  readonly inspection?: Inspection;
  readonly revision?: number;
  readonly resumed?: { readonly run: string; readonly done: number; readonly inFlight: number };
}

/** Runs `work` with the connection and the lock; reports an unreachable cluster or a held lock as results. */
export async function underLock<T extends { status: string; error?: string }>(
  plan: Plan,
  target: DeployTarget,
  command: string,
  work: (connected: Connected) => Promise<T>,
): Promise<T | { status: "unreachable" | "locked"; error: string }> {
  let connected: Connected;
  try {
    connected = connect(plan, target);
  } catch (error) {
    if (error instanceof ProviderUnavailable) return { status: "unreachable", error: error.message };
    throw error;
  }
  ensureStateDir(connected.paths);
  let lock: ReturnType<typeof acquireLock>;
  try {
    lock = acquireLock(connected.paths.lock, command);
  } catch (error) {
    if (error instanceof LockHeld) return { status: "locked", error: `${error.message}. If no run is going on, clear it with: berth unlock ${command.split(" ").slice(2).join(" ")} --force --id ${error.holder?.id ?? ""}`.replace(/ {2,}/g, " ").trim() };
    throw error;
  }
  try {
    return await work(connected);
  } catch (error) {
    if (error instanceof ProviderUnavailable) return { status: "unreachable", error: error.message };
    throw error;
  } finally {
    lock.release();
  }
}

export async function up(plan: Plan, target: DeployTarget, options: UpOptions): Promise<UpResult> {
  const signal = options.signal ?? new AbortController().signal;
  return underLock(plan, target, options.command, async (connected): Promise<UpResult> => {
    const inspection = await inspectPlan(plan, connected, target.concurrency, { pruneData: options.pruneData ?? false });
    if (inspection.blockers.length) return { status: "blocked", blockers: inspection.blockers, inspection, error: `${inspection.blockers.length} problem${inspection.blockers.length === 1 ? "" : "s"} found before any change; nothing was changed` };
    const consent = options.confirm ? await options.confirm(inspection) : GO;
    if (!consent.go) return { status: consent.status, error: consent.message, inspection };

    const unfinished = unfinishedRun(readJournal(connected.paths.journal));
    const resumed = unfinished ? { run: unfinished.run, done: unfinished.done.size, inFlight: unfinished.inFlight.length } : undefined;
    if (resumed) options.onEvent({ type: "note", message: `resuming run ${resumed.run}: ${resumed.done} steps finished (re-verified, not redone), ${resumed.inFlight} were in flight (read again from the cluster)` });

    const journal = (options.journal ?? ((p) => new FileJournal(p)))(connected.paths.journal);
    const run = randomUUID().slice(0, 8);
    const revision: Revision = {
      revision: nextRevision(connected.paths.revisions),
      run,
      startedAt: new Date().toISOString(),
      status: "in-progress",
      command: options.command,
      ...(options.rollbackOf !== undefined ? { rollbackOf: options.rollbackOf } : {}),
      plan,
    };
    journal.append({ run, event: "run-started", revision: revision.revision });
    saveRevision(connected.paths.revisions, revision);
    const steps = [...plan.steps, ...inspection.prune];
    const started = Date.now();
    options.onEvent({ type: "run", state: "started", run, revision: revision.revision, steps: steps.length });
    const result = await runSteps(steps, {
      providers: connected.providers,
      journal,
      run,
      signal,
      onEvent: options.onEvent,
      inspected: inspection.live,
      ...(unfinished ? { doneBefore: unfinished.done } : {}),
      ...(target.poll ? { poll: target.poll } : {}),
      ...(target.timeoutScale ? { timeoutScale: target.timeoutScale } : {}),
      ...(target.concurrency ? { concurrency: target.concurrency } : {}),
    });
    try {
      journal.append({ run, event: "run-finished", status: result.status });
    } catch {
      // already reported by the step that could not write
    }
    saveRevision(connected.paths.revisions, { ...revision, finishedAt: new Date().toISOString(), status: result.status === "ok" ? "deployed" : result.status });
    options.onEvent({ type: "run", state: "finished", run, revision: revision.revision, status: result.status, elapsedMs: Date.now() - started });
    return { status: result.status, ...(result.error ? { error: result.error } : {}), inspection, revision: revision.revision, ...(resumed ? { resumed } : {}) };
  });
}
