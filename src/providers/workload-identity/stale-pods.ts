/**
 * Pods that run without the identity although their ServiceAccount carries it: the webhook mutates a pod once, when it
 * is created, so a pod started before the ServiceAccount was annotated keeps running without AZURE_CLIENT_ID until it
 * is replaced (seed 003, "Pod not restarted after annotation"). What restarts it depends on what owns it.
 */
import type { LiveObject } from "../../readiness/live.ts";

const USE_LABEL = "azure.workload.identity/use";
const SKIP_ANNOTATION = "azure.workload.identity/skip-containers";

type Pod = LiveObject & { metadata?: LiveObject["metadata"] & { annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[] } };

/** A running (or starting) pod of `serviceAccount` labelled for workload identity whose containers lack AZURE_CLIENT_ID. */
export function lacksIdentity(pod: Pod, serviceAccount: string): boolean {
  if (pod.metadata?.deletionTimestamp || pod.metadata?.labels?.[USE_LABEL] !== "true") return false;
  if (String(pod.spec?.serviceAccountName ?? "default") !== serviceAccount) return false;
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  const skip = new Set(String(pod.metadata?.annotations?.[SKIP_ANNOTATION] ?? "").split(";").map((s) => s.trim()));
  const containers = ((pod.spec?.containers ?? []) as { name: string; env?: { name: string }[] }[]).filter((c) => !skip.has(c.name));
  return containers.some((c) => !(c.env ?? []).some((e) => e.name === "AZURE_CLIENT_ID"));
}

/** What replaces a pod: its workload's rollout, or deleting the pod (its Job or ReplicaSet makes a new one). */
export interface Owner {
  readonly kind: string;
  readonly name: string;
}

/** Kinds `kubectl rollout restart` takes. */
const RESTARTABLE = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

export function restartCommand(namespace: string, pod: string, owner: Owner | undefined): string {
  return owner && RESTARTABLE.has(owner.kind) ? `kubectl rollout restart ${owner.kind.toLowerCase()}/${owner.name} -n ${namespace}` : `kubectl delete pod ${pod} -n ${namespace}`;
}

/** The controller owner a pod names (a ReplicaSet still has to be followed to its Deployment). */
export const controllerOf = (o: Pod): Owner | undefined => o.metadata?.ownerReferences?.find((r) => r.controller) ?? o.metadata?.ownerReferences?.[0];
