/**
 * User-assigned managed identities, what they may do (role assignments on resources of the spec), and how pods
 * become them: one federated credential per ServiceAccount that carries the identity's client id, trusting the AKS
 * cluster's OIDC issuer for `system:serviceaccount:<namespace>:<name>`.
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { AzureDesired } from "../../resources/azure-resource.ts";
import type { KubeDesired } from "../../resources/kube-object.ts";
import { ANNOTATION } from "../../resources/labels.ts";
import { outputToken } from "../../resources/outputs.ts";
import { ROLE_TARGETS } from "../../spec/azure-schema.ts";
import { formatPath } from "../../spec/path.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { childOf, declared, make, type AzureContext } from "./context.ts";
import { armOf } from "./ids.ts";
import { roleAssignment } from "./role-assignment.ts";

export function synthIdentities(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.identities).flatMap(([logical, id]) => {
    const d = declared(ctx, "identities", logical, id.location);
    const principalId = outputToken({ resource: d.place.key, output: "principalId" });
    return [
      make(ctx, { ...d, existing: id.existing, tags: id.tags, body: { location: d.location } }),
      ...id.roles.map((r, i) => {
        const [key, target] = Object.entries(r.on).find(([, v]) => v !== undefined) as [string, string];
        return roleAssignment(ctx, { role: r.role, scope: armOf(ctx.azure, ROLE_TARGETS[key]!, target)!, principalId, origin: [...d.origin, "roles", i], group: d.group });
      }),
    ];
  });
}

/** The kubelet of each cluster pulls from its attached registries. */
export function synthRegistryPulls(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.aks).flatMap(([logical, aks]) => {
    const d = declared(ctx, "aks", logical);
    const kubelet = outputToken({ resource: d.place.key, output: "kubeletObjectId" });
    return aks.registries.map((reg, i) => roleAssignment(ctx, { role: "AcrPull", scope: armOf(ctx.azure, "registries", reg)!, principalId: kubelet, origin: [...d.origin, "registries", i], group: d.group }));
  });
}

/** Federated credential names: 3–120 letters, digits, '-' and '_', starting with a letter or digit. */
const credentialName = (namespace: string, sa: string) => `${namespace}-${sa}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 120);

export function synthFederatedCredentials(ctx: AzureContext, spec: ResolvedSpec, kubernetes: readonly KubeDesired[]): { resources: AzureDesired[]; diagnostics: Diagnostic[] } {
  const byToken = new Map(Object.keys(ctx.azure.identities).map((logical) => {
    const place = armOf(ctx.azure, "identities", logical)!;
    return [outputToken({ resource: place.key, output: "clientId" }), { logical, place }] as const;
  }));
  const accounts = kubernetes.filter((r) => r.object.kind === "ServiceAccount" && byToken.has(r.object.metadata.annotations?.[ANNOTATION.clientId] ?? ""));
  if (accounts.length === 0) return { resources: [], diagnostics: [] };
  const clusters = Object.keys(ctx.azure.aks);
  if (clusters.length !== 1) {
    const first = accounts[0]!;
    return {
      resources: [],
      diagnostics: [
        {
          severity: "error",
          code: "AZURE-NO-ISSUER",
          path: formatPath(first.origin),
          location: spec.locate.value(first.origin),
          message: `workload identity needs the OIDC issuer of the cluster the pods run in, and spec.azure declares ${clusters.length === 0 ? "no AKS cluster" : `${clusters.length} (${clusters.join(", ")})`}`,
          hint: clusters.length === 0 ? "declare the cluster under spec.azure.aks (existing: true for one berth does not manage)" : "declare only the cluster these pods run in",
        },
      ],
    };
  }
  const issuer = outputToken({ resource: armOf(ctx.azure, "aks", clusters[0]!)!.key, output: "oidcIssuer" });
  const resources = accounts.map((sa) => {
    const { logical, place } = byToken.get(sa.object.metadata.annotations![ANNOTATION.clientId]!)!;
    const ns = sa.object.metadata.namespace!;
    return make(ctx, {
      place: childOf(ctx, place, "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", credentialName(ns, sa.object.metadata.name)),
      origin: sa.origin,
      group: ["azure", "identities", logical],
      body: { properties: { issuer, subject: `system:serviceaccount:${ns}:${sa.object.metadata.name}`, audiences: ["api://AzureADTokenExchange"] } },
    });
  });
  return { resources, diagnostics: [] };
}
