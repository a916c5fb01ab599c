/** What the POD-* rules share: the volumes a pod's containers can mount, and what each container mounts. */
import type { KubeObject } from "../../resources/kube-object.ts";
import type { ContainerLike, PodSpecLike } from "../pod-security/pod-spec.ts";

/** The pod's volumes and, for a StatefulSet, its claim templates. */
export function volumeNamesOf(object: KubeObject, pod: PodSpecLike): string[] {
  const claimTemplates = ((object.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] } | undefined)?.volumeClaimTemplates ?? []).map((t) => t.metadata.name);
  return [...((pod as { volumes?: { name: string }[] }).volumes ?? []).map((v) => v.name), ...claimTemplates];
}

export const mountsOf = (container: ContainerLike): { name: string; mountPath: string }[] =>
  (container as { volumeMounts?: { name: string; mountPath: string }[] }).volumeMounts ?? [];
