import type { KubeObject } from "../resources/kube-object.ts";

/**
 * Names of the Secrets an object reads, wherever in the object they are (pod templates of any kind, Ingress TLS):
 * the fields that name a Secret have the same shape in every kind, so one walk finds them all.
 */
export function secretsReadBy(object: KubeObject): Set<string> {
  const names = new Set<string>();
  const walk = (value: unknown, parent: string | undefined): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, parent);
      return;
    }
    if (value === null || typeof value !== "object") return;
    const node = value as Record<string, unknown>;
    if ((parent === "secretKeyRef" || parent === "secretRef" || parent === "imagePullSecrets") && typeof node.name === "string") names.add(node.name);
    if ((parent === "secret" || parent === "tls") && typeof node.secretName === "string") names.add(node.secretName);
    for (const [key, child] of Object.entries(node)) walk(child, key);
  };
  walk(object, undefined);
  return names;
}
