import type { KubeObject } from "../resources/kube-object.ts";

/**
 * Names of the Secrets an object reads, wherever in the object they are (pod templates of any kind, Ingress TLS):
 * the fields that name a Secret have the same shape in every kind, so one walk finds them all.
 */
export function secretsReadBy(object: KubeObject): Set<string> {
  const names = new Set<string>();
  walk(object, undefined, names);
  return names;
}

// One function for the whole walk, keys read with for…in (no [key, value] array per key) and scalars never visited:
// it runs over every object of every build.
function walk(value: object, parent: string | undefined, names: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null) walk(item, parent, names);
    return;
  }
  const node = value as Record<string, unknown>;
  if ((parent === "secretKeyRef" || parent === "secretRef" || parent === "imagePullSecrets") && typeof node.name === "string") names.add(node.name);
  if ((parent === "secret" || parent === "tls") && typeof node.secretName === "string") names.add(node.secretName);
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child = node[key];
    if (typeof child === "object" && child !== null) walk(child, key, names);
  }
}
