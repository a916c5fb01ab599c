/** The rules of Roles and ClusterRoles, for the RBAC rules that judge them one by one. */
import type { KubeDesired } from "../../resources/kube-object.ts";

export type PolicyRule = { apiGroups?: string[]; resources?: string[]; verbs?: string[] };

export const policyRulesOf = (r: KubeDesired): PolicyRule[] =>
  r.object.kind === "Role" || r.object.kind === "ClusterRole" ? ((r.object.rules as PolicyRule[] | undefined) ?? []) : [];
