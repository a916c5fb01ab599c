/**
 * Outputs: values a provider assigns when it creates a resource (an FQDN, a vault URI, a client id, the OIDC issuer).
 * A desired resource refers to one with a token string, so it fits wherever a string is accepted; the plan shows
 * `(known after apply)` until the output is known, the engine substitutes it before the step runs, and the step that
 * needs it is ordered after the one that assigns it. Outputs are never secret values: they are journaled.
 */
export interface OutputRef {
  /** Key of the resource that assigns the output (see identity.ts). */
  readonly resource: string;
  /** Output name, as the resource's provider names it (`fqdn`, `vaultUri`, `clientId`, `oidcIssuer`). */
  readonly output: string;
}

export type Outputs = Readonly<Record<string, string>>;

export const KNOWN_AFTER_APPLY = "(known after apply)";

const TOKEN = /\(\(berth\.output ([^\s()]+) ([A-Za-z0-9_.-]+)\)\)/g;

export const outputToken = (ref: OutputRef): string => `((berth.output ${ref.resource} ${ref.output}))`;

/** Every output a value refers to, in the order they appear, once each. */
export function outputRefsIn(value: unknown): OutputRef[] {
  const found = new Map<string, OutputRef>();
  walkStrings(value, (s) => {
    for (const m of s.matchAll(TOKEN)) found.set(`${m[1]} ${m[2]}`, { resource: m[1]!, output: m[2]! });
    return s;
  });
  return [...found.values()];
}

/**
 * The value with every token replaced by what `lookup` knows; tokens it does not know are left as they are and
 * listed in `missing`.
 */
export function substituteOutputs<T>(value: T, lookup: (ref: OutputRef) => string | undefined): { value: T; missing: OutputRef[] } {
  const missing = new Map<string, OutputRef>();
  const out = walkStrings(value, (s) =>
    s.replace(TOKEN, (token, resource: string, output: string) => {
      const known = lookup({ resource, output });
      if (known === undefined) missing.set(`${resource} ${output}`, { resource, output });
      return known ?? token;
    }),
  );
  return { value: out as T, missing: [...missing.values()] };
}

/** For showing a plan: every token becomes `(known after apply)`. */
export const showUnknown = <T>(value: T): T => walkStrings(value, (s) => s.replace(TOKEN, KNOWN_AFTER_APPLY)) as T;

function walkStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => walkStrings(v, f));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, f)]));
  return value;
}
