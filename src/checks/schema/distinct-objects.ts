import type { KubeDesired } from "../../resources/kube-object.ts";

/** Objects without an earlier one of the same key: a repeat is reported once, as NAME-COLLISION, and not judged again. */
export function distinctObjects(resources: readonly KubeDesired[]): KubeDesired[] {
  const seen = new Set<string>();
  return resources.filter((r) => !seen.has(r.key) && seen.add(r.key));
}
