/**
 * `berth down`: delete what this platform/env owns, in reverse order. Data stays unless asked: claims, generated
 * credentials (the data's passwords) and the namespaces that hold either. Objects adopted from before berth stay.
 */
import { randomUUID } from "node:crypto";
import type { EventSink } from "../engine/events.ts";
import { type Consent, GO } from "./consent.ts";
import { runSteps } from "../engine/run-steps.ts";
import { type Doomed, deletionSteps } from "../plan/delete-plan.ts";
import type { ObjectRef, Plan } from "../plan/step.ts";
import { planningOf } from "../providers/planning-registry.ts";
import type { OwnedObject } from "../providers/provider.ts";
import { type DataItem, dataHolders, dataItem, type OwnedBy } from "./data-holders.ts";
import { ownedByProvider, rememberEarlier } from "./inspect.ts";
import { type DeployTarget, engineSettings, preflight } from "./target.ts";
import { finishRevision, type RunRecord, startRevision, underLock } from "./up.ts";

export interface DownResult {
  readonly status: "ok" | "failed" | "interrupted" | "unreachable" | "locked" | "declined" | "refused";
  readonly error?: string;
  readonly deleted?: readonly ObjectRef[];
  readonly kept?: readonly ObjectRef[];
  readonly revision?: number;
}

export interface Deletions {
  readonly remove: ObjectRef[];
  readonly keep: ObjectRef[];
  /** Among `remove`, what holds data (only with deleteData): the list a person confirms by typing the name. */
  readonly data: DataItem[];
  /** `remove` with the provider of each: what the deletion steps are made of. */
  readonly doomed: Doomed[];
}

/**
 * What `down` deletes: everything labelled for the instance and not adopted, except data unless `deleteData`.
 * Claims without the label (a StatefulSet's) are never deleted one by one; they go with their namespace.
 * Accepts Kubernetes' owned objects alone (as before providers were many) or what each provider found.
 */
export function chooseDeletions(found: readonly OwnedObject[] | readonly OwnedBy[], deleteData: boolean): Deletions {
  const byProvider: readonly OwnedBy[] = found.length && !("provider" in found[0]!) ? [{ provider: "kubernetes", owned: found as readonly OwnedObject[] }] : (found as readonly OwnedBy[]);
  const holders = dataHolders(byProvider);
  const out: Deletions = { remove: [], keep: [], data: [], doomed: [] };
  for (const { provider, owned } of byProvider) {
    const planning = planningOf(provider);
    const holds = (o: OwnedObject) => holders.has(planning.keyOf(o));
    const keepIt = (o: OwnedObject) => !o.labelled || o.adopted || (holds(o) && !deleteData);
    for (const o of owned.filter((x) => !keepIt(x))) {
      out.remove.push(o.ref);
      out.doomed.push({ provider, owned: o });
      if (holds(o)) out.data.push(dataItem(provider, o.ref, owned));
    }
    out.keep.push(...owned.filter((o) => keepIt(o) && (o.labelled || !deleteData)).map((o) => o.ref));
  }
  return out;
}

export interface DownOptions {
  readonly onEvent: EventSink;
  readonly signal?: AbortSignal;
  readonly deleteData?: boolean;
  readonly command: string;
  /** Asked once what would be deleted is known, before anything is; without it, nothing is asked. */
  readonly confirm?: (deletions: Deletions, endpoint: string) => Promise<Consent>;
  /** What the revision records of this invocation (--set values, the spec's digest). */
  readonly record?: RunRecord;
}

/** A `down` is a revision too: its plan is the one taken down, so history shows what was there and `rollback` can bring it back. */
export async function down(plan: Plan, target: DeployTarget, options: DownOptions): Promise<DownResult> {
  return underLock(plan, target, options.command, options.signal, async (session): Promise<DownResult> => {
    const { connected } = session;
    const { endpoint } = await preflight(connected);
    rememberEarlier(connected, session.history);
    const deletions = chooseDeletions(await ownedByProvider(plan, connected, plan.steps), options.deleteData ?? false);
    const { remove, keep } = deletions;
    const consent = options.confirm ? await options.confirm(deletions, endpoint) : GO;
    if (!consent.go) return { status: consent.status, error: consent.message, deleted: [], kept: keep };
    const steps = deletionSteps(deletions.doomed, [], "down", plan);
    const run = randomUUID().slice(0, 8);
    const revision = await startRevision(session, plan, { run, action: "down", command: options.command }, options.record);
    const journal = connected.journal.writer();
    await journal.append({ run, event: "run-started", revision: revision.revision });
    const result = await runSteps(steps, {
      providers: connected.providers,
      journal,
      run,
      signal: session.signal,
      onEvent: options.onEvent,
      ...engineSettings(target),
    });
    try {
      await journal.append({ run, event: "run-finished", status: result.status });
    } catch {
      // already reported by the step that could not write; the revision below still records how it ended
    }
    if (!session.lease.signal.aborted) await finishRevision(session, revision, result.status === "ok" ? "removed" : result.status, result.error, target.historyMax);
    return { status: result.status, ...(result.error ? { error: result.error } : {}), deleted: remove, kept: keep, revision: revision.revision };
  });
}
