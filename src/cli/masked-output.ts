/**
 * A --set value at a credential-like path (maskSets, the rule the revision store applies) is applied to the cluster
 * but never shown: everything a cluster command prints or reports as progress goes through this mask first.
 */
import type { EngineEvent, EventSink } from "../engine/events.ts";
import { MASK, maskSets } from "../engine/revisions.ts";
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
