/**
 * Which Pod Security policy version a target Kubernetes version is judged at. The admission controller of Kubernetes
 * 1.N enforces policy v1.N; a version newer than the newest rule change is judged by the newest rules (upstream's
 * "latest"). berth models the policy from v1.25, the oldest version it renders for; an older target is judged at v1.25
 * and the finding says so.
 */
export const POLICY_VERSIONS = { min: 25, max: 37 } as const;

/** The policy minor version for a target `1.N`. */
export function policyVersionOf(kubernetesVersion: string): number {
  const minor = Number(kubernetesVersion.split(".")[1]);
  if (!Number.isFinite(minor)) return POLICY_VERSIONS.max;
  return Math.min(POLICY_VERSIONS.max, Math.max(POLICY_VERSIONS.min, minor));
}

/** `v1.31`, as in the `pod-security.kubernetes.io/enforce-version` label. */
export const formatPolicyVersion = (minor: number): string => `v1.${minor}`;
