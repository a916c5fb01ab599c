/**
 * What holds data among the objects an instance owns: claims, generated credentials (the data's passwords), and the
 * namespaces holding either — deleting a namespace deletes every claim in it, berth's label or not.
 */
import { type ObjectRef, refKey } from "../plan/step.ts";
import type { OwnedObject } from "../providers/provider.ts";

export function dataHolders(owned: readonly OwnedObject[]): Set<string> {
  const namespaces = new Set(owned.filter((o) => o.holdsData).map((o) => o.ref.namespace));
  return new Set(owned.filter((o) => o.holdsData || (o.ref.kind === "Namespace" && namespaces.has(o.ref.name))).map((o) => refKey(o.ref)));
}

/** A data-holding object to be deleted, with what a namespace holds: the list a person reads before saying yes. */
export interface DataItem {
  readonly ref: ObjectRef;
  /** "2 claims, 1 generated credential" for a namespace; empty otherwise. */
  readonly holds: string;
}

export const dataItem = (ref: ObjectRef, owned: readonly OwnedObject[]): DataItem => ({ ref, holds: heldIn(ref, owned) });

function heldIn(ref: ObjectRef, owned: readonly OwnedObject[]): string {
  if (ref.kind !== "Namespace") return "";
  const held = owned.filter((o) => o.holdsData && o.ref.namespace === ref.name);
  const claims = held.filter((o) => o.ref.kind === "PersistentVolumeClaim").length;
  const secrets = held.length - claims;
  return [claims ? `${claims} claim${claims === 1 ? "" : "s"}` : "", secrets ? `${secrets} generated credential${secrets === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
}
