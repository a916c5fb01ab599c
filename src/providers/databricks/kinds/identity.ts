/**
 * Which remote cluster or job is the spec's, by the rules of issue 12: berth's tags first (`berth.instance` and
 * `berth.key`, or a key the resource was renamed from), set in the create request itself so a run killed before its
 * journal entry finds what it made; then, for an untagged one, the exact name — taken over only with --adopt, and
 * never when two match. Ambiguity is never resolved by guessing: the message names every id.
 */
import { DATABRICKS_TAG } from "../../../resources/databricks-resource.ts";

export interface Candidate {
  readonly id: string;
  readonly name: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

export type Identity<C extends Candidate = Candidate> =
  | { readonly kind: "absent" }
  /** Tagged for this instance and key (or a former key: `renamedFrom`). */
  | { readonly kind: "ours"; readonly found: C; readonly adopted: boolean; readonly renamedFrom?: string }
  /** Untagged, of the same name, and --adopt given. */
  | { readonly kind: "adoptable"; readonly found: C }
  /** Not berth's to touch, or ambiguous: `owner` completes "… exists and is <owner>". */
  | { readonly kind: "foreign"; readonly owner: string };

export interface IdentityQuery {
  readonly instance: string;
  readonly key: string;
  readonly renamedFrom?: readonly string[];
  /** The name the spec gives it (cluster_name, job name). */
  readonly name: string | undefined;
  readonly adopt: boolean;
  /** "cluster", "job". */
  readonly noun: string;
}

/** Tag values as strings: the spec may give a number, and the server answers what it was sent. */
export const stringTags = (tags: unknown): Record<string, string> => Object.fromEntries(Object.entries((tags ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));

/**
 * The tags berth writes on a cluster (custom_tags) or a job (settings.tags): the spec's own, then berth's identity
 * (instance, key, adopted, retain) — after them, so a spec cannot forge berth's. The digest is not among them: it is
 * never compared as a field (see `withBerthTags`).
 */
export function berthTags(userTags: unknown, r: { readonly key: string; readonly retain?: boolean }, instance: string, adopted: boolean): Record<string, string> {
  return {
    ...stringTags(userTags),
    [DATABRICKS_TAG.instance]: instance,
    [DATABRICKS_TAG.key]: r.key,
    ...(adopted ? { [DATABRICKS_TAG.adopted]: "true" } : {}),
    ...(r.retain ? { [DATABRICKS_TAG.retain]: "true" } : {}),
  };
}

/** The body berth sends: the spec's, its `field` of tags replaced by `berthTags` plus the digest of what the spec says. */
export function withBerthTags<B extends Record<string, unknown>>(body: B, field: string, r: { readonly key: string; readonly retain?: boolean }, instance: string, adopted: boolean, digest: string): B {
  return { ...body, [field]: { ...berthTags(body[field], r, instance, adopted), [DATABRICKS_TAG.digest]: digest } };
}

const ids = (cs: readonly Candidate[]): string => cs.map((c) => c.id).join(", ");

export function identify<C extends Candidate>(candidates: readonly C[], q: IdentityQuery): Identity<C> {
  const keys = [q.key, ...(q.renamedFrom ?? [])];
  const ours = candidates.filter((c) => c.tags[DATABRICKS_TAG.instance] === q.instance);
  const tagged = ours.filter((c) => keys.includes(c.tags[DATABRICKS_TAG.key] ?? ""));
  if (tagged.length > 1) return { kind: "foreign", owner: `ambiguous: ${tagged.length} ${q.noun}s carry berth's tags for ${q.key} (ids ${ids(tagged)}); delete all but one of them` };
  if (tagged.length === 1) {
    const found = tagged[0]!;
    const key = found.tags[DATABRICKS_TAG.key]!;
    return { kind: "ours", found, adopted: found.tags[DATABRICKS_TAG.adopted] === "true", ...(key !== q.key ? { renamedFrom: key } : {}) };
  }
  if (q.name === undefined) return { kind: "absent" };
  // One of ours under another key keeps its own identity, whatever its name.
  const named = candidates.filter((c) => c.name === q.name && c.tags[DATABRICKS_TAG.instance] !== q.instance);
  if (named.length > 1) return { kind: "foreign", owner: `ambiguous: ${named.length} ${q.noun}s are named ${JSON.stringify(q.name)} (ids ${ids(named)}); rename or delete all but one before berth can take one over` };
  if (named.length === 0) return { kind: "absent" };
  const found = named[0]!;
  const other = found.tags[DATABRICKS_TAG.instance];
  if (other) return { kind: "foreign", owner: `berth instance ${other}'s (${q.noun} ${found.id}, named ${JSON.stringify(q.name)})` };
  if (q.adopt) return { kind: "adoptable", found };
  return { kind: "foreign", owner: `not created by berth (${q.noun} ${found.id}, named ${JSON.stringify(q.name)}); --adopt takes it over` };
}
