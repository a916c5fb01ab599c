/** What both delivery modes (csi, eso) are given and give back. */
import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import type { KubeDesired } from "../../../resources/kube-object.ts";
import { ANNOTATION, LABEL } from "../../../resources/labels.ts";
import { formatPath, type SpecPath } from "../../../spec/path.ts";
import type { ResolvedSpec } from "../../../spec/resolve.ts";
import type { AzureContext } from "../context.ts";
import { workloadIdentity, type WorkloadIdentity } from "../workload-identity.ts";
import type { VaultDelivery } from "../../../resources/vault-secrets.ts";

export interface DeliveryInput {
  readonly ctx: AzureContext;
  readonly spec: ResolvedSpec;
  readonly delivery: VaultDelivery;
  readonly kubernetes: readonly KubeDesired[];
}

/** An identity that reads a vault: the role it needs is granted on exactly that vault (roles.ts). */
export interface VaultReader {
  /** The client id as the ServiceAccount carries it: an output token for identities berth makes, a GUID otherwise. */
  readonly clientId: string;
  readonly vaultKey: string;
  /** Where the reading comes from, for messages. */
  readonly origin: SpecPath;
}

export interface DeliveryOutput {
  /** The Kubernetes resources, with the delivery objects added and pods rewritten where the mode does that. */
  readonly kubernetes: KubeDesired[];
  readonly readers: VaultReader[];
  readonly diagnostics: Diagnostic[];
}

/** The identity pods without their own read the vault as (spec.azure.secrets.identity). */
export const secretsIdentity = (input: DeliveryInput): WorkloadIdentity | undefined => workloadIdentity(input.spec.platform, input.delivery.identity);

/** Client id (and tenant) annotations of a workload identity's ServiceAccount. */
export const identityAnnotations = (id: WorkloadIdentity): Record<string, string> => ({ [ANNOTATION.clientId]: id.clientId, ...(id.tenantId ? { [ANNOTATION.tenantId]: id.tenantId } : {}) });

export function problem(input: DeliveryInput, origin: SpecPath, code: string, message: string, hint: string, severity: Diagnostic["severity"] = "error"): Diagnostic {
  const location = input.spec.locate.value(origin);
  return { severity, code, path: formatPath(origin), ...(location ? { location } : {}), message, hint };
}

export const platformLabels = (input: DeliveryInput): Record<string, string> => ({
  ...input.spec.platform.metadata.labels,
  [LABEL.partOf]: input.spec.platform.metadata.name,
  [LABEL.managedBy]: "berth",
});
