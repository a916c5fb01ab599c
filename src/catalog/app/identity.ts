/**
 * A dedicated ServiceAccount per app — the one its pods run as. With an Azure identity it carries the client-id
 * annotation (the pod template carries the `azure.workload.identity/use` label, see context.podLabels); with rbac,
 * a Role (rules may be empty) and its RoleBinding.
 */
import { desired, type KubeDesired } from "../../resources/kube-object.ts";
import { ANNOTATION } from "../../resources/labels.ts";
import { type AppContext, commonLabels, needsApiToken } from "./context.ts";
import { workloadIdentity } from "../azure/workload-identity.ts";

export function identity(ctx: AppContext): KubeDesired[] {
  const azure = workloadIdentity(ctx.platform, ctx.app.identity);
  const annotations = azure ? { [ANNOTATION.clientId]: azure.clientId, ...(azure.tenantId ? { [ANNOTATION.tenantId]: azure.tenantId } : {}) } : undefined;
  const out: KubeDesired[] = [
    desired(
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: ctx.name, namespace: ctx.namespace, labels: commonLabels(ctx), ...(annotations ? { annotations } : {}) },
        automountServiceAccountToken: needsApiToken(ctx),
      },
      ctx.app.identity ? [...ctx.origin, "identity"] : ctx.origin,
    ),
  ];
  if (ctx.app.rbac) {
    const origin = [...ctx.origin, "rbac"];
    out.push(
      desired(
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "Role",
          metadata: { name: ctx.name, namespace: ctx.namespace, labels: commonLabels(ctx) },
          rules: ctx.app.rbac.rules.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) })),
        },
        origin,
      ),
      desired(
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name: ctx.name, namespace: ctx.namespace, labels: commonLabels(ctx) },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: ctx.name },
          subjects: [{ kind: "ServiceAccount", name: ctx.name, namespace: ctx.namespace }],
        },
        origin,
      ),
    );
  }
  return out;
}
