/**
 * `berth down`: delete what this platform/env owns, in reverse order. Data stays unless asked: claims, generated
 * credentials (the data's passwords) and the namespaces that hold either. Objects adopted from before berth stay.
 */
import { randomUUID } from "node:crypto";
import type { EventSink } from "../engine/events.ts";
import { FileJournal } from "../engine/journal.ts";
import { runSteps } from "../engine/run-steps.ts";
import { deletionSteps } from "../plan/delete-plan.ts";
import { type ObjectRef, type Plan, stepRef } from "../plan/step.ts";
import type { OwnedObject } from "../providers/provider.ts";
import type { DeployTarget } from "./target.ts";
import { finishRevision, type RunRecord, startRevision, underLock } from "./up.ts";

export interface DownResult {
  readonly status: "ok" | "failed" | "interrupted" | "unreachable" | "locked";
  readonly error?: string;
  readonly deleted?: readonly ObjectRef[];
  readonly kept?: readonly ObjectRef[];
  readonly revision?: number;
}

export function chooseDeletions(owned: readonly OwnedObject[], deleteData: boolean): { readonly remove: ObjectRef[]; readonly keep: ObjectRef[] } {
  const dataNamespaces = new Set(owned.filter((o) => o.holdsData && !deleteData).map((o) => o.ref.namespace));
  const keepIt = (o: OwnedObject) => !o.labelled || o.adopted || (o.holdsData && !deleteData) || (o.ref.kind === "Namespace" && dataNamespaces.has(o.ref.name));
  return { remove: owned.filter((o) => !keepIt(o)).map((o) => o.ref), keep: owned.filter((o) => keepIt(o) && (o.labelled || !deleteData)).map((o) => o.ref) };
}

/** A `down` is a revision too: its plan is the one taken down, so history shows what was there and `rollback` can bring it back. */
export async function down(plan: Plan, target: DeployTarget, options: { onEvent: EventSink; signal?: AbortSignal; deleteData?: boolean; command: string; record?: RunRecord }): Promise<DownResult> {
  return underLock(plan, target, options.command, options.signal, async (session): Promise<DownResult> => {
    const { connected } = session;
    const owned = await connected.kubernetes.owned(plan.instance, plan.steps.map(stepRef).filter((r): r is ObjectRef => r !== undefined));
    const { remove, keep } = chooseDeletions(owned, options.deleteData ?? false);
    const steps = deletionSteps(remove, [], "down");
    const run = randomUUID().slice(0, 8);
    const revision = await startRevision(session, plan, { run, action: "down", command: options.command }, options.record);
    const journal = new FileJournal(connected.paths.journal);
    journal.append({ run, event: "run-started", revision: revision.revision });
    const result = await runSteps(steps, { providers: connected.providers, journal, run, signal: session.signal, onEvent: options.onEvent, ...(target.poll ? { poll: target.poll } : {}) });
    journal.append({ run, event: "run-finished", status: result.status });
    if (!session.lease.signal.aborted) await finishRevision(session, revision, result.status === "ok" ? "removed" : result.status, result.error, target.historyMax);
    return { status: result.status, ...(result.error ? { error: result.error } : {}), deleted: remove, kept: keep, revision: revision.revision };
  });
}
