/**
 * Secrets that are not among the objects but are promised by them, as berth's output declares: the secret
 * generator Job's list of what it creates, and a Namespace's list of what the user provides there. A reference to
 * one resolves (with its keys) instead of being reported missing; a malformed declaration promises nothing.
 */
import type { KubeObject } from "../../resources/kube-object.ts";
import { ANNOTATION } from "../../resources/labels.ts";

export interface PromisedSecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
}

const parse = (text: string | undefined): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

export function secretsPromisedBy(o: KubeObject): PromisedSecret[] {
  const annotations = o.metadata.annotations;
  if (o.kind === "Job") {
    const list = parse(annotations?.[ANNOTATION.generatesSecrets]);
    if (!Array.isArray(list)) return [];
    return list.flatMap((s: { name?: unknown; keys?: unknown; namespaces?: unknown }) =>
      typeof s?.name === "string" && strings(s.keys) && strings(s.namespaces) ? s.namespaces.map((namespace) => ({ namespace, name: s.name as string, keys: s.keys as string[] })) : [],
    );
  }
  if (o.kind === "Namespace") {
    const map = parse(annotations?.[ANNOTATION.providedSecrets]);
    if (typeof map !== "object" || map === null || Array.isArray(map)) return [];
    return Object.entries(map).flatMap(([name, keys]) => (strings(keys) ? [{ namespace: o.metadata.name, name, keys }] : []));
  }
  return [];
}
