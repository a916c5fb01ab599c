/**
 * An Azure resource as berth wants it: plain data, serializable as is (it goes into plans and revisions). The body is
 * what an ARM PUT sends; it never holds a secret value (a generated admin password is named in `generatedSecrets` and
 * made by the provider when the resource is created). Values Azure assigns elsewhere are output tokens (outputs.ts).
 */
export interface AzureResource {
  /** ARM resource type; children spelled whole (`Microsoft.DBforPostgreSQL/flexibleServers/databases`). */
  readonly type: string;
  /** The ARM API version the body is written for. */
  readonly apiVersion: string;
  /**
   * The ARM id, built from names (ids are deterministic; URLs and FQDNs Azure assigns are outputs, never built).
   * Extension resources (role assignments, federated credentials) carry their full id below their scope.
   */
  readonly id: string;
  /** Resource group, or undefined for subscription-level resources (resource groups, provider registrations). */
  readonly resourceGroup?: string;
  /** ARM name; children `parent/child`. */
  readonly name: string;
  /** The PUT body: location, tags, sku, identity, kind, properties. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Read and verified, outputs used; never written or deleted. */
  readonly existing?: boolean;
  /**
   * Generated secrets this resource needs at creation only (an admin password), by body path
   * (`properties.administratorLoginPassword`): made by the provider, kept where the spec says, never in the plan.
   * keepIn: the vault's resource key (or ARM id). `alsoJson` asks for a composed copy written at the same moment:
   * `{"<fields.user>": login, "<fields.password>": <the password>}` as the vault secret `secretName` (seed 003's
   * `…--credentials`). `softDelete`: what to do when a deleted secret holds either name (the vault's policy).
   */
  readonly generatedSecrets?: Readonly<Record<string, GeneratedSecret>>;
  /**
   * A secret of a Key Vault (type Microsoft.KeyVault/vaults/secrets): where its value comes from, never a secret value.
   * `generate`: made by the provider once and then kept; `fixed`: a value that is not secret (an admin login), kept in
   * the vault beside the password so pods read both the same way; `provided`: set by the user (with existing: true).
   */
  readonly vaultSecret?:
    | { readonly generate: { readonly length: number; readonly format?: "alnum" | "fernet" | "password" } }
    | { readonly fixed: string }
    | { readonly provided: { readonly fields?: readonly string[] } };
  /**
   * Resources Azure soft-deletes (Key Vault): what berth may do when a deleted one still holds the name (recover it,
   * purge it, or stop and say so — the default), and whether `remove` purges after deleting (default: never, so a
   * deleted vault can be recovered for its retention period). A vault secret carries its vault's policy (synth
   * copies it): a name held by a deleted secret is recovered, purged or reported the same way.
   */
  readonly softDelete?: SoftDeletePolicy;
  /**
   * A role assignment to the principal berth deploys as (`deployer`): its object id is read from the credential's
   * token when the step runs, and the assignment's name — a GUID of scope, role and principal, as for every grant —
   * made from it. The plan holds a placeholder name and principal: the step is the same whoever deploys.
   */
  readonly assignee?: "deployer";
}

/** A Key Vault's soft-delete policy; a vault secret (and a generated admin password) carries its vault's. */
export interface SoftDeletePolicy {
  readonly onNameHeld: "recover" | "purge" | "fail";
  readonly purgeOnRemove: boolean;
}

/** A value the provider makes when the resource is created, kept as a vault secret before it is used. */
export interface GeneratedSecret {
  readonly keepIn: string;
  readonly secretName: string;
  readonly alsoJson?: { readonly secretName: string; readonly fields: { readonly user: string; readonly password: string }; readonly login: string };
  readonly softDelete?: SoftDeletePolicy;
}

/** An Azure resource the spec asks for: the Azure counterpart of a Kubernetes KubeDesired. */
export interface AzureDesired {
  /** keyOfId({ provider: "azure", type, scope: resourceGroup ?? "_subscription", name }). */
  readonly key: string;
  readonly provider: "azure";
  readonly resource: AzureResource;
  /** The spec path that asked for it (`spec.azure.postgres.meta`), where problems point. */
  readonly origin: readonly (string | number)[];
  /** Status groups health by it (`azure.postgres.meta`). */
  readonly group?: readonly string[];
  /** Keys of resources that must be done first, beyond those implied by output tokens and parents. */
  readonly needs?: readonly string[];
}
