/**
 * Secrets that are not among the objects but are promised by them, as berth's output declares: the secret
 * generator Job's list of what it creates, a Namespace's list of what the user provides there, and the Secrets a
 * Key Vault delivery makes (a SecretProviderClass's secretObjects, which the CSI driver syncs; an ExternalSecret's
 * target, which the operator writes). A reference to one resolves (with its keys) instead of being reported missing;
 * a malformed declaration promises nothing.
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

type Spec = Record<string, unknown> | undefined;
const recordsIn = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : []);

/** Secrets a delivery object makes, by kind: what the CSI driver syncs, what External Secrets Operator writes. */
const DELIVERED: Readonly<Record<string, (spec: Spec, name: string) => { name: string; keys: string[] }[]>> = {
  SecretProviderClass: (spec) =>
    recordsIn(spec?.secretObjects).flatMap((so) => (typeof so.secretName === "string" ? [{ name: so.secretName, keys: recordsIn(so.data).flatMap((d) => (typeof d.key === "string" ? [d.key] : [])) }] : [])),
  ExternalSecret: (spec, name) => {
    const target = (spec?.target as Spec)?.name;
    return [{ name: typeof target === "string" ? target : name, keys: recordsIn(spec?.data).flatMap((d) => (typeof d.secretKey === "string" ? [d.secretKey] : [])) }];
  },
};

export function secretsPromisedBy(o: KubeObject): PromisedSecret[] {
  const annotations = o.metadata.annotations;
  const delivered = DELIVERED[o.kind];
  if (delivered && o.metadata.namespace) return delivered((o as { spec?: Spec }).spec, o.metadata.name).map((s) => ({ namespace: o.metadata.namespace!, ...s }));
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
