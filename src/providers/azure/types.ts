/**
 * The Azure provider's planning data: one row per ARM type berth manages (API versions and output paths are in
 * resources/azure-types.ts, shared with synth). Everything that differs between types is here as data — phase and
 * timeout, whether deleting it loses data, whether it carries berth's ownership tag, which fields Azure never returns
 * (passwords, create modes) and so are never compared, what an update must carry over from the live resource, and
 * which parent serialises its writes. No code path switches on an ARM type.
 */
import type { Phase } from "../../plan/ordering.ts";

export interface AzureTypeRow {
  readonly phase: Phase;
  readonly timeoutMs: number;
  /** Deleting it deletes data: `down` keeps it unless data is to be deleted. */
  readonly holdsData: boolean;
  /** Carries the `berth.instance` tag (ARM lists by it); children that take no tags are owned through their parent. */
  readonly tagged: boolean;
  /** Body paths ARM accepts but never returns (secrets, create modes): sent on create, never compared. */
  readonly writeOnly?: readonly string[];
  /** Live paths an update must send back when the spec leaves them out, or the PUT would remove them (a VNet's subnets). */
  readonly keepFromLive?: readonly string[];
  /**
   * Writes that take turns: ARM refuses (or loses) concurrent writes of the subnets of one VNet or the federated
   * credentials of one identity. "parent": children of one parent (the id without its last `/type/name`) take turns;
   * "self": the parent joins its children's queue (a VNet PUT carries its subnets).
   */
  readonly serialise?: "parent" | "self";
  /** Made beforehand and taken over when untagged (a resource group); marked adopted, so berth never deletes it. */
  readonly adoptUntagged?: boolean;
  /** Soft-deleted when deleted (its name stays taken until purged or recovered). */
  readonly softDelete?: boolean;
  /** What to do when it fails: the hint under the failure. */
  readonly hint: string;
  /**
   * Not a resource but the subscription's registration of a resource provider namespace: in sync when Registered,
   * made so by POST …/register, never deleted.
   */
  readonly registration?: boolean;
}

const MIN = 60_000;

export const AZURE_TYPE_ROWS: Readonly<Record<string, AzureTypeRow>> = {
  // Like a CRD for Kubernetes: it makes a namespace's types served. Its own phase, so only what it serves waits for it.
  "Microsoft.Resources/providers": { phase: "crds", timeoutMs: 10 * MIN, holdsData: false, tagged: false, registration: true, hint: "Registering a resource provider needs Microsoft.Resources/subscriptions/providers/register/action on the subscription (Contributor), or have it registered once by someone who has it." },
  "Microsoft.Resources/resourceGroups": { phase: "namespaces", timeoutMs: 5 * MIN, holdsData: true, tagged: true, adoptUntagged: true, hint: "A resource group name must be unique in the subscription; check the location is allowed by policy." },
  "Microsoft.Network/virtualNetworks": { phase: "network", timeoutMs: 10 * MIN, holdsData: false, tagged: true, keepFromLive: ["properties.subnets"], serialise: "self", hint: "Check the address space does not overlap a peered network." },
  "Microsoft.Network/virtualNetworks/subnets": { phase: "network", timeoutMs: 10 * MIN, holdsData: false, tagged: false, serialise: "parent", hint: "A subnet in use (delegated, or holding NICs or private endpoints) cannot change its prefix or delegation." },
  "Microsoft.Network/privateDnsZones": { phase: "network", timeoutMs: 10 * MIN, holdsData: false, tagged: true, hint: "Private DNS zones are global: their location is `global`." },
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks": { phase: "network", timeoutMs: 10 * MIN, holdsData: false, tagged: true, serialise: "parent", hint: "A VNet can be linked to one zone of a name only once." },
  "Microsoft.Network/privateEndpoints": { phase: "network", timeoutMs: 15 * MIN, holdsData: false, tagged: true, hint: "The subnet must allow private endpoints (privateEndpointNetworkPolicies) and the target must support the group id." },
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": { phase: "network", timeoutMs: 10 * MIN, holdsData: false, tagged: false, hint: "The DNS zone must exist and be linked to the VNet." },
  "Microsoft.ManagedIdentity/userAssignedIdentities": { phase: "rbac", timeoutMs: 5 * MIN, holdsData: false, tagged: true, hint: "Check the caller may create managed identities in the resource group." },
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials": {
    phase: "rbac",
    timeoutMs: 5 * MIN,
    holdsData: false,
    tagged: false,
    serialise: "parent",
    hint: "An identity holds at most 20 federated credentials; issuer + subject must be unique in it.",
  },
  "Microsoft.Authorization/roleAssignments": {
    phase: "rbac",
    timeoutMs: 10 * MIN,
    holdsData: false,
    tagged: false,
    hint: "The caller needs Microsoft.Authorization/roleAssignments/write on the scope (Owner, User Access Administrator or Role Based Access Control Administrator).",
  },
  "Microsoft.KeyVault/vaults": {
    phase: "config",
    timeoutMs: 10 * MIN,
    holdsData: true,
    tagged: true,
    softDelete: true,
    writeOnly: ["properties.createMode"],
    keepFromLive: ["properties.accessPolicies"],
    hint: "Vault names are global; a deleted vault keeps its name until purged (see berth's soft-delete policy for the vault).",
  },
  // Untagged like synth's (catalog/azure/context.ts UNTAGGED): a secret belongs to its vault and goes with it.
  "Microsoft.KeyVault/vaults/secrets": {
    phase: "config",
    timeoutMs: 5 * MIN,
    holdsData: true,
    tagged: false,
    writeOnly: ["properties.value"],
    hint: "Writing a secret through ARM needs Microsoft.KeyVault/vaults/secrets/write (Contributor); recovering or purging a deleted one needs Key Vault Secrets Officer on the vault (or those access-policy permissions).",
  },
  "Microsoft.ContainerRegistry/registries": { phase: "storage", timeoutMs: 10 * MIN, holdsData: true, tagged: true, hint: "Registry names are global and alphanumeric only." },
  "Microsoft.DBforPostgreSQL/flexibleServers": {
    phase: "storage",
    timeoutMs: 30 * MIN,
    holdsData: true,
    tagged: true,
    writeOnly: ["properties.administratorLoginPassword", "properties.createMode", "properties.pointInTimeUTC", "properties.sourceServerResourceId"],
    hint: "Check the SKU is offered in the region (`az postgres flexible-server list-skus`) and that a delegated subnet is given for private access.",
  },
  "Microsoft.DBforPostgreSQL/flexibleServers/databases": { phase: "storage", timeoutMs: 10 * MIN, holdsData: true, tagged: false, serialise: "parent", hint: "The server must be Ready." },
  "Microsoft.Sql/servers": {
    phase: "storage",
    timeoutMs: 20 * MIN,
    holdsData: true,
    tagged: true,
    writeOnly: ["properties.administratorLoginPassword"],
    hint: "SQL server names are global; the admin login may not be a reserved name (admin, sa, root…).",
  },
  "Microsoft.Sql/servers/databases": { phase: "storage", timeoutMs: 20 * MIN, holdsData: true, tagged: true, writeOnly: ["properties.createMode", "properties.sourceDatabaseId"], hint: "Check the SKU (service objective) is offered in the region." },
  "Microsoft.ContainerService/managedClusters": {
    phase: "core",
    timeoutMs: 30 * MIN,
    holdsData: false,
    tagged: true,
    writeOnly: ["properties.servicePrincipalProfile.secret", "properties.windowsProfile.adminPassword"],
    hint: "Check VM size quota in the region (`az vm list-usage`), that the Kubernetes version is supported, and that the subnet is large enough for the node pools.",
  },
  "Microsoft.Databricks/workspaces": { phase: "core", timeoutMs: 20 * MIN, holdsData: true, tagged: true, hint: "The managed resource group must not exist yet; VNet injection needs two delegated subnets." },
};

/** A type berth does not know still gets sensible defaults: core, 10 minutes, no data, tagged. */
const DEFAULT_ROW: AzureTypeRow = { phase: "core", timeoutMs: 10 * MIN, holdsData: false, tagged: true, hint: "See the Azure activity log of the resource group for details." };

export const azureTypeRow = (type: string): AzureTypeRow => AZURE_TYPE_ROWS[type] ?? AZURE_TYPE_ROWS[Object.keys(AZURE_TYPE_ROWS).find((k) => k.toLowerCase() === type.toLowerCase()) ?? ""] ?? DEFAULT_ROW;

/** Hints by ARM error code (more telling than the type's hint when Azure names the problem). */
export const AZURE_FAILURE_HINTS: Readonly<Record<string, string>> = {
  AuthorizationFailed: "The signed-in principal lacks a role on the scope: Contributor for resources, plus User Access Administrator for role assignments.",
  LinkedAuthorizationFailed: "The signed-in principal may not use a resource this one refers to (a subnet, an identity): grant it a role there.",
  SkuNotAvailable: "The SKU or VM size is not offered in this region or for this subscription: choose another size or region.",
  QuotaExceeded: "The subscription's quota in the region is used up: request more (Usage + quotas) or choose a smaller size.",
  OperationNotAllowed: "Usually a quota or a policy: read the message for the limit.",
  RequestDisallowedByPolicy: "An Azure Policy assignment denies this resource as specified: change the spec or ask for an exemption.",
  MissingSubscriptionRegistration: "The resource provider is not registered in the subscription: berth registers it when allowed (`az provider register`).",
  VaultAlreadyExists: "Vault names are global; if it is your own deleted vault, allow berth to recover or purge it.",
  ConflictError: "A soft-deleted vault holds the name: allow berth to recover or purge it.",
  PrincipalNotFound: "The principal does not exist (yet): a just-created identity takes a few minutes to replicate.",
  InvalidTemplateDeployment: "Read the inner error: it names the property Azure refused.",
  OperationTimedOut: "Azure is still working on it: run berth up again to follow it to the end.",
  VaultSecretMissing: "The secret is yours to set: run the `az keyvault secret set` the message names (with Key Vault Secrets Officer on the vault), then berth up again.",
};
