/**
 * Vault mode (docs/design/0011): which Kubernetes Secret keys a Key Vault holds, and how pods get them. Names only:
 * values are made by the Azure provider or set by the user, and never pass through here.
 */

/** Where one key of a Kubernetes Secret is kept. */
export interface VaultRef {
  /** Resource key of the vault (an AzureDesired key). */
  readonly vaultKey: string;
  /** The vault's name, as Azure sees it. */
  readonly vault: string;
  /** The vault secret's name. */
  readonly secretName: string;
  /** A field of the secret's JSON value (eso only). */
  readonly field?: string;
}

/** Kubernetes Secret name → key → where the vault keeps it. */
export type VaultBacked = ReadonlyMap<string, ReadonlyMap<string, VaultRef>>;

export interface VaultDelivery {
  /** The vault holding this environment's credentials. */
  readonly vault: { readonly logical: string; readonly key: string; readonly name: string };
  readonly delivery: "csi" | "eso";
  /** csi on an AKS cluster berth manages: the add-on is turned on. */
  readonly installDriver: boolean;
  /** Logical name (spec.azure.identities) of the identity pods without one read the vault as. */
  readonly identity?: string;
  /** Every vault-backed Secret: the generated ones and those of spec.secrets with keyVault. */
  readonly backed: VaultBacked;
}

const KEY_VAULT_ALPHABET = /[^0-9A-Za-z-]/g;

/** A vault secret name from a pattern and its placeholders; characters Key Vault refuses become '-'. */
export function vaultSecretName(pattern: string, vars: Readonly<Record<string, string>>): string {
  return pattern.replace(/\{([a-z]+)\}/g, (all, name: string) => (vars[name] ?? all).replace(KEY_VAULT_ALPHABET, "-"));
}

/**
 * The Secrets of spec.secrets the user creates in the cluster, with their keys: those the vault does not hold. One
 * with `keyVault` is checked in the vault (Azure preflight) and reaches pods through delivery (docs/design/0011), so
 * nothing requires, declares or promises it as a Kubernetes Secret of the user's.
 */
export const clusterSecrets = (secrets: Readonly<Record<string, { readonly keys: readonly string[]; readonly keyVault?: unknown }>>): Record<string, readonly string[]> =>
  Object.fromEntries(Object.entries(secrets).flatMap(([name, s]) => (s.keyVault === undefined ? [[name, s.keys] as const] : [])));
