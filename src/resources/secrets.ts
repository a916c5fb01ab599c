import type { SpecPath } from "../spec/path.ts";

/**
 * A secret berth generates at deploy time: each key gets one random value, created once and kept, and the same
 * values are copied into every namespace listed. Only names and keys ever appear in build output.
 */
export interface GeneratedSecret {
  /** The Secret's name, the same in every namespace. */
  readonly name: string;
  readonly keys: readonly string[];
  /** The owner's namespace first, then every namespace whose pods read it. */
  readonly namespaces: readonly string[];
  /** Length of each generated value (alphanumeric). */
  readonly length: number;
  /** Keys whose value must have a particular form: `fernet` = URL-safe base64 of 32 random bytes (Airflow). */
  readonly formats?: Readonly<Record<string, "fernet">>;
  readonly origin: SpecPath;
  /** Chart group that owns it (`components.postgresql`). */
  readonly group?: readonly string[];
}

/** Merges requests for the same secret (more keys, more namespaces) into one entry per name. */
export function mergeSecrets(secrets: readonly GeneratedSecret[]): GeneratedSecret[] {
  const byName = new Map<string, GeneratedSecret>();
  for (const s of secrets) {
    const prev = byName.get(s.name);
    byName.set(
      s.name,
      prev
        ? { ...prev, keys: [...new Set([...prev.keys, ...s.keys])], namespaces: [...new Set([...prev.namespaces, ...s.namespaces])], ...(prev.formats || s.formats ? { formats: { ...prev.formats, ...s.formats } } : {}) }
        : { ...s, keys: [...new Set(s.keys)], namespaces: [...new Set(s.namespaces)] },
    );
  }
  return [...byName.values()];
}
