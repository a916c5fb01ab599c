/**
 * Key Vault delivery (docs/design/0011, "Delivery to pods"): the Kubernetes objects that bring vault-backed Secrets
 * to the pods that read them, by the mode the spec chose, and the role each reading identity needs on the vault.
 */
import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import type { AzureDesired } from "../../../resources/azure-resource.ts";
import type { KubeDesired } from "../../../resources/kube-object.ts";
import type { DeliveryInput, DeliveryOutput } from "./context.ts";
import { deliverByCsi } from "./csi.ts";
import { deliverByEso } from "./eso.ts";
import type { VaultDelivery } from "../../../resources/vault-secrets.ts";
import { vaultReaderRoles } from "./roles.ts";

const MODES: Readonly<Record<VaultDelivery["delivery"], (input: DeliveryInput) => DeliveryOutput>> = {
  csi: deliverByCsi,
  eso: deliverByEso,
};

export function deliverVaultSecrets(input: DeliveryInput): { kubernetes: KubeDesired[]; azure: AzureDesired[]; diagnostics: Diagnostic[] } {
  const delivered = MODES[input.delivery.delivery](input);
  const roles = vaultReaderRoles(input, delivered.readers);
  return { kubernetes: delivered.kubernetes, azure: roles.azure, diagnostics: [...delivered.diagnostics, ...roles.diagnostics] };
}

export type { DeliveryInput } from "./context.ts";
