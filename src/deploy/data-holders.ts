/**
 * What holds data among the objects an instance owns, per provider (its planning module says: for Kubernetes,
 * claims, generated credentials and the namespaces holding either — deleting a namespace deletes every claim in it,
 * berth's label or not).
 */
import type { ObjectRef } from "../plan/step.ts";
import { planningOf } from "../providers/planning-registry.ts";
import type { OwnedObject } from "../providers/provider.ts";

/** What one provider found live for the instance. */
export interface OwnedBy {
  readonly provider: string;
  readonly owned: readonly OwnedObject[];
}

/** Keys of the data-holding objects, across providers. */
export function dataHolders(found: readonly OwnedBy[]): Set<string> {
  return new Set(found.flatMap((f) => [...planningOf(f.provider).dataHolders(f.owned)]));
}

/** A data-holding object to be deleted, with what a container holds: the list a person reads before saying yes. */
export interface DataItem {
  readonly ref: ObjectRef;
  /** "2 claims, 1 generated credential" for a namespace; empty otherwise. */
  readonly holds: string;
}

export const dataItem = (provider: string, ref: ObjectRef, owned: readonly OwnedObject[]): DataItem => ({ ref, holds: planningOf(provider).holds(ref, owned) });
