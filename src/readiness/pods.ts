/**
 * Terminal pod states: waiting longer does not fix them, so a step fails at once with the pod's own reason instead
 * of running into its timeout. Ordered: the most specific cause first (an OOM shows up as a crash loop too).
 */
import type { ContainerStatus, LiveObject } from "./live.ts";
import { failed, type Verdict } from "./verdict.ts";

interface PodRule {
  readonly reason: string;
  readonly matches: (c: ContainerStatus) => boolean;
  readonly message: (c: ContainerStatus) => string;
  /** Read the log of the container's previous run: the current one has not started or just restarted. */
  readonly previousLog: boolean;
}

const POD_RULES: readonly PodRule[] = [
  { reason: "OOMKilled", matches: (c) => c.lastState?.terminated?.reason === "OOMKilled" || c.state?.terminated?.reason === "OOMKilled", message: (c) => `container ${c.name} was killed for using more memory than its limit`, previousLog: true },
  { reason: "ImagePullBackOff", matches: (c) => c.state?.waiting?.reason === "ImagePullBackOff", message: (c) => `container ${c.name} cannot pull its image: ${c.state?.waiting?.message ?? "back-off pulling image"}`, previousLog: false },
  { reason: "InvalidImageName", matches: (c) => c.state?.waiting?.reason === "InvalidImageName", message: (c) => `container ${c.name} has an invalid image name: ${c.state?.waiting?.message ?? ""}`, previousLog: false },
  { reason: "CreateContainerConfigError", matches: (c) => c.state?.waiting?.reason === "CreateContainerConfigError", message: (c) => `container ${c.name} cannot be configured: ${c.state?.waiting?.message ?? "a referenced Secret or ConfigMap key is missing"}`, previousLog: false },
  { reason: "CrashLoopBackOff", matches: (c) => c.state?.waiting?.reason === "CrashLoopBackOff", message: (c) => `container ${c.name} keeps exiting (${c.restartCount ?? 0} restarts${c.lastState?.terminated?.exitCode !== undefined ? `, last exit code ${c.lastState.terminated.exitCode}` : ""})`, previousLog: true },
];

/** The first terminal state among the pods, if any. */
export function podFailure(pods: readonly LiveObject[] | undefined): Verdict | undefined {
  for (const rule of POD_RULES)
    for (const pod of pods ?? []) {
      const statuses = [...((pod.status?.initContainerStatuses as ContainerStatus[] | undefined) ?? []), ...((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? [])];
      const hit = statuses.find(rule.matches);
      if (hit)
        return failed(rule.reason, `pod ${pod.metadata?.name}: ${rule.message(hit)}`, {
          namespace: pod.metadata?.namespace ?? "",
          name: pod.metadata?.name ?? "",
          container: hit.name,
          previous: rule.previousLog,
        });
    }
  return undefined;
}

/** Why pods are not ready yet, in one line (unschedulable, still pulling…), for the waiting message. */
export function podsWaitingOn(pods: readonly LiveObject[] | undefined): string | undefined {
  for (const pod of pods ?? []) {
    const scheduled = ((pod.status?.conditions as { type: string; status: string; reason?: string; message?: string }[] | undefined) ?? []).find((c) => c.type === "PodScheduled");
    if (scheduled?.status === "False") return `pod ${pod.metadata?.name} is not scheduled: ${scheduled.message ?? scheduled.reason ?? ""}`;
    const waitingOn = ((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? []).find((c) => c.state?.waiting?.reason);
    if (waitingOn) return `pod ${pod.metadata?.name}: ${waitingOn.name} ${waitingOn.state!.waiting!.reason}`;
  }
  return undefined;
}
