/**
 * A --set value at a credential-like path (maskSets, the rule the revision store applies) is applied to the cluster
 * but never shown: everything a cluster command prints or reports as progress goes through this mask first.
 */
import type { EngineEvent, EventSink } from "../engine/events.ts";
import { MASK, maskSets, namesCredential } from "../engine/revisions.ts";
import { Redactor } from "../providers/kubernetes/redact.ts";
import type { CliIO } from "./io.ts";

export type Mask = (text: string) => string;

/** The mask of this invocation's --set values: each hidden value as typed and as JSON escapes it (plan --json). */
export function maskOfSets(sets: readonly string[] | undefined): Mask {
  const redactor = new Redactor(MASK);
  for (const { value } of maskSets(sets ?? []).hidden) {
    redactor.add(value);
    redactor.add(JSON.stringify(value).slice(1, -1));
  }
  return (text) => redactor.apply(text);
}

export function maskedIO(io: CliIO, mask: Mask): CliIO {
  const ask = io.ask?.bind(io);
  return {
    get interactive() {
      return io.interactive;
    },
    get stdinIsTerminal() {
      return io.stdinIsTerminal;
    },
    out: (t) => io.out(mask(t)),
    err: (t) => io.err(mask(t)),
    ...(ask ? { ask: (q: string) => ask(mask(q)) } : {}),
  };
}

/** Progress events with every string masked, whatever display (terminal, plain, JSON lines) draws them. */
export function maskedSink<S extends EventSink>(sink: S, mask: Mask): S {
  const walk = (v: unknown): unknown =>
    typeof v === "string" ? mask(v) : Array.isArray(v) ? v.map(walk) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
  return Object.assign((e: EngineEvent) => sink(walk(e) as EngineEvent), sink);
}

/**
 * `env[1].value` names no credential, the entry's name does: each array index whose element (in the desired object)
 * has a `name` is read as that name, as --set paths spell it (`containers[0].env[API_TOKEN_FILE].value`).
 */
function namedPath(field: string, desired: unknown): string {
  let at: unknown = desired;
  return field.replace(/\.([^.[]+)|\[(\d+)\]/g, (whole, key: string | undefined, index: string | undefined) => {
    if (key !== undefined) {
      at = at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined;
      return whole;
    }
    at = Array.isArray(at) ? at[Number(index)] : undefined;
    const name = at && typeof at === "object" ? (at as { name?: unknown }).name : undefined;
    return typeof name === "string" ? `[${name}]` : whole;
  });
}

/** A value with every `{ name, value }` entry whose name names a credential masked (env lists shown whole). */
function maskNamedEntries(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskNamedEntries);
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const masked = Object.fromEntries(Object.entries(o).map(([k, x]) => [k, maskNamedEntries(x)]));
  return typeof o.name === "string" && "value" in o && namesCredential(o.name) ? { ...masked, value: MASK } : masked;
}

/**
 * A field change as shown: both sides masked where the field names a credential. The live side matters most: a
 * value set by an earlier run is unknown to this one's --set, so only the field's name can hide it.
 */
export function shownChange<C extends { readonly field: string; readonly from?: unknown; readonly to?: unknown }>(change: C, desired: unknown): C {
  if (namesCredential(namedPath(change.field, desired))) return { ...change, ...("from" in change ? { from: MASK } : {}), ...("to" in change ? { to: MASK } : {}) };
  return { ...change, ...("from" in change ? { from: maskNamedEntries(change.from) } : {}), ...("to" in change ? { to: maskNamedEntries(change.to) } : {}) };
}
