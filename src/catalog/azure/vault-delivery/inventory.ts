/**
 * TEMPORARY: mirrors src/resources/vault-secrets.ts (the lead's core, docs/design/0011) until it lands on main;
 * replaced by an import of it then.
 */
export interface VaultRef {
  readonly vaultKey: string;
  readonly vault: string;
  readonly secretName: string;
  readonly field?: string;
}

export type VaultBacked = ReadonlyMap<string, ReadonlyMap<string, VaultRef>>;

export interface VaultDelivery {
  readonly vault: { readonly logical: string; readonly key: string; readonly name: string };
  readonly delivery: "csi" | "eso";
  readonly installDriver: boolean;
  readonly identity?: string;
  readonly backed: VaultBacked;
}
