/**
 * What berth's tags on a cluster or job say once it is found: how it inspects (ours or adoptable, adopted, whether
 * the intent changed), that berth deletes it only when berth created it (retained and adopted ones are kept, whether
 * the spec or the remote tag says so), and that it is owned, for prune and down. The same rules for both kinds, so
 * they live once.
 */
import { type DatabricksResource, DATABRICKS_TAG } from "../../../resources/databricks-resource.ts";
import type { FieldChange, LiveState, OwnedObject, RunResult } from "../../provider.ts";
import type { KindContext } from "../kind.ts";
import type { Candidate, Identity } from "./identity.ts";

export interface Found {
  readonly identity: Identity;
  readonly adopted: boolean;
  readonly changes: FieldChange[];
  readonly drift: FieldChange[];
  /** The digest berth last wrote differs from the spec's: a field removed from the spec shows in no comparison. */
  readonly specChanged: boolean;
  readonly effects: readonly string[];
  readonly outputs: Record<string, string>;
}

/** The LiveState of one found by tag or name (not foreign). */
export function foundState(f: Found): LiveState {
  return {
    exists: true,
    ownership: f.identity.kind === "ours" ? "ours" : "adoptable",
    ...(f.adopted ? { adopted: true } : {}),
    changes: f.changes,
    ...(f.drift.length ? { drift: f.drift } : {}),
    ...(f.effects.length ? { effects: [...f.effects] } : {}),
    intentChanged: f.changes.length > 0 || f.drift.length > 0 || f.specChanged,
    outputs: f.outputs,
  };
}

export interface TaggedRemoval<C extends Candidate> {
  /** The spec's `retain`: kept without even looking. */
  readonly retain: boolean | undefined;
  /** Finds it by tag, without --adopt. */
  readonly locate: () => Promise<Identity<C>>;
  readonly remove: (id: string) => Promise<unknown>;
  /** Reads it again after a failed delete: undefined when it is gone after all. */
  readonly read: (id: string) => Promise<unknown>;
}

export async function removeTagged<C extends Candidate>(t: TaggedRemoval<C>): Promise<RunResult> {
  if (t.retain) return { did: "kept (retain: true) and forgotten", mutated: false };
  const identity = await t.locate();
  if (identity.kind !== "ours") return { did: "already gone", mutated: false };
  if (identity.adopted) return { did: "kept (adopted: berth never deletes it)", mutated: false };
  if (identity.found.tags[DATABRICKS_TAG.retain] === "true") return { did: "kept (retain: true) and forgotten", mutated: false };
  try {
    await t.remove(identity.found.id);
  } catch (error) {
    // A delete whose answer was lost, tried again, fails on what the first one deleted.
    if ((await t.read(identity.found.id)) === undefined) return { did: "already gone", mutated: false };
    throw error;
  }
  return { did: "deleted", mutated: true };
}

/** The listed ones tagged for this instance, as owned objects; `resourceOf` rebuilds the resource prune deletes. */
export function ownedByTags<C extends Candidate, R extends DatabricksResource>(listed: readonly C[], ctx: KindContext, resourceOf: (c: C, key: string, retain: boolean) => R): OwnedObject[] {
  return listed
    .filter((c) => c.tags[DATABRICKS_TAG.instance] === ctx.instance && c.tags[DATABRICKS_TAG.key])
    .map((c): OwnedObject => {
      const resource = resourceOf(c, c.tags[DATABRICKS_TAG.key]!, c.tags[DATABRICKS_TAG.retain] === "true");
      return { ref: { apiVersion: "databricks", kind: resource.kind, namespace: ctx.workspace.name, name: resource.key }, id: c.id, holdsData: false, adopted: c.tags[DATABRICKS_TAG.adopted] === "true", labelled: true, detail: resource };
    });
}
