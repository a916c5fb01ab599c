/**
 * The `spec.azure` section: the subscription, the cloud, how names are made, and the Azure resources of the platform,
 * each a record by logical name. Resources refer to each other by logical name; names Azure sees come from
 * `naming` (or an explicit `name:`) and are checked per type by the spec rules.
 */
import { z } from "zod";
import * as f from "./formats.ts";
import { formatted, Name } from "./schema-parts.ts";

/** The resource families of spec.azure that a reference (`azure.<family>.<name>`) or a role target can name. */
export const AZURE_FAMILIES = ["resourceGroups", "networks", "aks", "postgres", "sql", "keyVaults", "registries", "databricksWorkspaces", "identities"] as const;
export type AzureFamily = (typeof AZURE_FAMILIES)[number];

const AzureRefPath = z
  .string()
  .regex(new RegExp(`^azure\\.(${AZURE_FAMILIES.join("|")})\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?$`), `must be azure.<family>.<name>, family one of ${AZURE_FAMILIES.join(", ")}`);

/** A value Azure assigns (an FQDN, a client id, a vault URI), taken from a resource of spec.azure. */
export const AzureRef = z
  .strictObject({
    from: AzureRefPath.describe("The resource: azure.<family>.<name>, e.g. azure.postgres.meta."),
    value: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, "must be an output name such as fqdn").describe("The output, e.g. fqdn, vaultUri, clientId, loginServer, id, name."),
  })
  .describe("A value of an Azure resource of spec.azure, known after it is created.");
export type AzureRefSpec = z.output<typeof AzureRef>;

/** Not a type guard: a component reference has the same shape, with a component name (no dots) in `from`. */
export const isAzureRef = (v: unknown): boolean =>
  typeof v === "object" && v !== null && typeof (v as { from?: unknown }).from === "string" && (v as { from: string }).from.startsWith("azure.");

const Cidr = formatted(f.cidr);
const accountGuid = (field: string): f.FormatCheck => (v) => (f.guid(v) ? { message: `"${v}" is not a GUID`, hint: `az account show --query ${field}` } : undefined);
const AzureName = z.string().min(1).max(90).describe("The name Azure sees; overrides spec.azure.naming. Required with existing: true.");

/** Fields every resource has: an explicit name, its resource group, and whether berth only reads it. */
const common = {
  name: AzureName.optional(),
  existing: z.boolean().default(false).describe("The resource exists already: berth reads and verifies it and uses its outputs, and never modifies or deletes it."),
  tags: z.record(z.string(), z.string()).default({}).describe("Extra tags; berth adds berth.instance."),
};
const inGroup = {
  ...common,
  resourceGroup: Name.optional().describe("A resource group of spec.azure.resourceGroups; defaults to the only one declared."),
  location: z.string().min(1).optional().describe("Defaults to spec.azure.location."),
};

const SubnetRef = z
  .strictObject({ network: Name.describe("A network of spec.azure.networks."), subnet: Name.describe("One of its subnets.") })
  .describe("A subnet of a network declared in spec.azure.networks.");

const Subnet = z.strictObject({
  name: AzureName.optional().describe("Subnet name in the VNet; defaults to the key."),
  addressPrefix: Cidr.optional().describe("The subnet's range; must lie inside the VNet's address space and overlap no other subnet. Required unless the network is existing."),
  delegations: z.array(z.string().regex(/^[A-Za-z]+\.[A-Za-z]+\/[A-Za-z/]+$/, "must be a service name such as Microsoft.DBforPostgreSQL/flexibleServers")).default([]).describe("Services the subnet is delegated to, e.g. Microsoft.DBforPostgreSQL/flexibleServers."),
  serviceEndpoints: z.array(z.string().regex(/^Microsoft\.[A-Za-z]+$/, "must be a service such as Microsoft.Storage")).default([]).describe("Service endpoints, e.g. Microsoft.Storage, Microsoft.KeyVault."),
});

const Network = z
  .strictObject({
    ...inGroup,
    addressSpace: z.array(Cidr).min(1).optional().describe("The VNet's address prefixes. Required unless existing."),
    subnets: z.record(Name, Subnet).default({}),
  })
  .describe("A virtual network and its subnets.");

const NodePool = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, "must be 1–12 lower-case letters and digits, starting with a letter (AKS node pool names)"),
    vmSize: z.string().min(1).describe("e.g. Standard_D4s_v5."),
    count: z.int().min(0).max(1000).optional().describe("Fixed node count (without min/max)."),
    min: z.int().min(0).max(1000).optional().describe("Autoscaler lower bound (with max)."),
    max: z.int().min(1).max(1000).optional().describe("Autoscaler upper bound (with min)."),
    mode: z.enum(["System", "User"]).default("User"),
  })
  .describe("A node pool: a fixed count, or min and max for the cluster autoscaler.");

const Aks = z
  .strictObject({
    ...inGroup,
    kubernetesVersion: z.string().regex(/^[0-9]+\.[0-9]+(\.[0-9]+)?$/, 'must be a version such as "1.31" or "1.31.2"').optional().describe("AKS Kubernetes version, quoted. Required unless existing."),
    nodePools: z.array(NodePool).min(1).optional().describe("At least one System pool is needed. Required unless existing."),
    networkPlugin: z.enum(["azure", "kubenet", "overlay"]).default("overlay").describe("azure CNI, kubenet, or azure CNI overlay."),
    subnet: SubnetRef.optional().describe("The subnet the nodes join."),
    serviceCidr: Cidr.default("10.240.0.0/16").describe("Cluster service range; must not overlap the VNet."),
    dnsServiceIP: z.string().regex(/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/, "must be an IPv4 address").default("10.240.0.10").describe("Inside serviceCidr."),
    podCidr: Cidr.optional().describe("Pod range for kubenet and overlay; must not overlap the VNet or serviceCidr."),
    registries: z.array(Name).default([]).describe("Registries of spec.azure.registries the kubelet may pull from (AcrPull)."),
    tier: z.enum(["Free", "Standard", "Premium"]).default("Standard").describe("AKS pricing tier: Free has no uptime SLA."),
    entraId: z.boolean().default(true).describe("Entra ID integration with Azure RBAC for Kubernetes; local accounts disabled. OIDC issuer and workload identity are always on."),
  })
  .describe("An AKS cluster. OIDC issuer and workload identity are always enabled.");

const PgDatabase = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a PostgreSQL identifier (letters, digits, '_')");
const AdminLogin = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, "must start with a letter: letters, digits and '_'");

const KeepIn = z.strictObject({ keyVault: Name.describe("A vault of spec.azure.keyVaults.") });

/** A vault secret name as written in the spec: Key Vault's alphabet plus the placeholders berth fills in. */
export const VaultSecretPattern = z
  .string()
  .regex(/^([0-9A-Za-z-]|\{(platform|env|namespace)\})+$/, "must be letters, digits and '-' (Key Vault's alphabet), with {platform}, {env} or {namespace} placeholders")
  .max(127)
  .describe("A Key Vault secret name; {platform}, {env} and {namespace} (the Kubernetes namespace) are filled in.");

/** A server's admin login or generated password, which berth keeps in the vault. */
export const ServerAdminRef = z
  .strictObject({
    from: z.string().regex(/^azure\.(postgres|sql)\.[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be azure.postgres.<name> or azure.sql.<name>"),
    value: z.enum(["adminLogin", "adminPassword"]),
  })
  .describe("The admin login or password of a server of spec.azure, as berth keeps it in the vault.");

const AdminCredentials = z
  .strictObject({
    secret: VaultSecretPattern,
    userField: z.string().min(1).default("USER"),
    passwordField: z.string().min(1).default("PASSWORD"),
  })
  .describe('Also keep the admin login and password as one JSON secret ({"USER": …, "PASSWORD": …}) of that name, written once with the password (seed 003\'s merge credentials).');

const Postgres = z
  .strictObject({
    ...inGroup,
    sku: z.strictObject({ name: z.string().default("Standard_B1ms"), tier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]).default("Burstable") }).prefault({}),
    version: z.enum(["13", "14", "15", "16", "17"]).default("16").describe("PostgreSQL major version, quoted."),
    storageGB: z.int().min(32).max(32768).default(32),
    subnet: SubnetRef.optional().describe("VNet integration: a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers. berth adds the private DNS zone <name>.private.postgres.database.azure.com and its VNet link."),
    databases: z.array(PgDatabase).default([]),
    adminLogin: AdminLogin.default("berthadmin").describe("Administrator login; Azure refuses azure_superuser, azure_pg_admin, admin, administrator, root, guest, public and names starting with pg_."),
    adminPassword: KeepIn.optional().describe("Where the generated admin password is kept; defaults to the only key vault."),
    adminCredentials: AdminCredentials.optional(),
  })
  .describe("An Azure Database for PostgreSQL flexible server.");

const SqlDatabase = z.strictObject({
  sku: z.strictObject({ name: z.string().default("GP_S_Gen5_1"), tier: z.string().optional() }).prefault({}),
  maxSizeGB: z.int().min(1).optional(),
});

const Sql = z
  .strictObject({
    ...inGroup,
    adminLogin: AdminLogin.default("berthadmin").describe("Administrator login; Azure refuses admin, administrator, root, guest, public, sa and similar."),
    adminPassword: KeepIn.optional().describe("Where the generated admin password is kept; defaults to the only key vault."),
    adminCredentials: AdminCredentials.optional(),
    databases: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be letters, digits, '_' and '-'"), SqlDatabase).default({}),
    privateEndpoint: z
      .strictObject({ subnet: SubnetRef })
      .optional()
      .describe("A private endpoint in this subnet, with the privatelink.database.windows.net zone, its VNet link and zone group. Public network access is always disabled."),
  })
  .describe("An Azure SQL logical server and its databases.");

const KeyVault = z
  .strictObject({
    ...inGroup,
    sku: z.enum(["standard", "premium"]).default("standard"),
    softDeleteRetentionDays: z.int().min(7).max(90).default(90),
    purgeProtection: z.boolean().default(true),
    purgeOnDelete: z.boolean().default(false).describe("Purge the vault when berth deletes it (only without purge protection)."),
    onNameHeld: z
      .enum(["fail", "recover", "purge"])
      .default("fail")
      .describe("When a soft-deleted vault still holds the name: stop before any change (fail), recover it, or purge it (only without purge protection)."),
  })
  .describe("A Key Vault with RBAC authorization (always).");

const Registry = z
  .strictObject({ ...inGroup, sku: z.enum(["Basic", "Standard", "Premium"]).default("Standard") })
  .describe("An Azure Container Registry; the admin user is always disabled.");

const Databricks = z
  .strictObject({
    ...inGroup,
    sku: z.enum(["standard", "premium", "trial"]).default("premium"),
    managedResourceGroup: z.string().min(1).max(90).optional().describe("Name of the resource group Databricks manages; defaults to <name>-managed."),
  })
  .describe("An Azure Databricks workspace.");

/** The key a role target uses for each family: one resource, so the singular. */
export const ROLE_TARGETS: Readonly<Record<string, AzureFamily>> = {
  resourceGroup: "resourceGroups",
  network: "networks",
  aks: "aks",
  postgres: "postgres",
  sql: "sql",
  keyVault: "keyVaults",
  registry: "registries",
  databricksWorkspace: "databricksWorkspaces",
  identity: "identities",
};

const RoleTarget = z
  .strictObject(Object.fromEntries(Object.keys(ROLE_TARGETS).map((k) => [k, Name.optional()])) as Record<keyof typeof ROLE_TARGETS, z.ZodOptional<typeof Name>>)
  .describe("The scope, by reference: exactly one of resourceGroup, keyVault, registry, network, aks, postgres, sql, databricksWorkspace, identity, naming a resource of spec.azure.");

const Identity = z
  .strictObject({
    ...inGroup,
    roles: z
      .array(z.strictObject({ role: z.string().min(1).describe('A built-in role by name, e.g. "Key Vault Secrets User".'), on: RoleTarget }))
      .default([]),
  })
  .describe("A user-assigned managed identity; apps, components and jobs run as it with `identity: <name>` (workload identity).");

const ResourceGroup = z.strictObject({ ...common, location: z.string().min(1).optional() }).describe("A resource group.");

const Secrets = z
  .strictObject({
    store: z
      .enum(["keyVault", "cluster"])
      .optional()
      .describe("keyVault (the default when a vault is declared): every credential berth generates is kept in the vault and delivered to the pods that read it; cluster: generated as Kubernetes Secrets."),
    keyVault: Name.optional().describe("The vault of spec.azure.keyVaults holding this environment's credentials; defaults to the only one."),
    delivery: z.enum(["csi", "eso"]).default("csi").describe("How pods get vault secrets: csi (Secrets Store CSI driver, a SecretProviderClass per workload) or eso (External Secrets Operator, an ExternalSecret per Secret)."),
    installDriver: z.boolean().default(true).describe("csi on an AKS cluster berth manages: turn on the azureKeyvaultSecretsProvider add-on. Otherwise the driver (or the operator) must be installed, and preflight checks it."),
    identity: Name.optional().describe("The identity of spec.azure.identities that pods without an identity of their own read the vault as; defaults to the only one."),
    naming: z
      .string()
      .regex(/\{secret\}/, "must contain {secret}")
      .regex(/\{key\}/, "must contain {key}")
      .regex(/^([0-9A-Za-z-]|\{(platform|env|namespace|secret|key)\})+$/, "must be letters, digits and '-' with the placeholders {platform}, {env}, {namespace}, {secret}, {key}")
      .default("{platform}--{env}--{secret}--{key}")
      .describe("Vault secret names of generated credentials; other characters of a Secret or key name ('_', '.') become '-'."),
  })
  .describe("Where credentials are kept and how pods get them (docs/secrets.md).");

/**
 * The image berth's workload identity check runs in: distroless Node 22, non-root, pinned by the digest of its
 * multi-arch index (as seen in public repositories pinning it, resolved 2026-07-17 against gcr.io; berth cannot
 * resolve tags here, air-gapped). Any image whose entrypoint is node 18 or later runs the checker.
 */
export const CHECKER_IMAGE = "gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e";

const Verify = z
  .strictObject({
    workloadIdentity: z
      .boolean()
      .default(true)
      .describe("After the workloads are up, check every ServiceAccount that carries an identity with a short Job (berth up only; never in built manifests): webhook env injected, token exchanged at Entra, one vault secret read. Failures name the cause."),
    image: z
      .string()
      .min(1)
      .default(CHECKER_IMAGE)
      .describe("The image the check runs in: one whose entrypoint is node >= 18 (distroless or official Node images). Point it at a copy in your own registry when the cluster cannot pull from gcr.io."),
  })
  .describe("Checks run after deploying (docs/azure.md#workload-identity-verified).");

const Cloud = z.union([
  z.enum(["AzureCloud", "AzureChinaCloud", "AzureUSGovernment"]),
  z.strictObject({
    resourceManager: z.url().describe("ARM endpoint, e.g. https://management.azure.com/."),
    authorityHost: z.url().describe("Entra ID authority, e.g. https://login.microsoftonline.com/."),
    keyVault: z.url().optional().describe("Key Vault's data-plane resource, e.g. https://vault.azure.net (tokens for recovering or purging deleted secrets); default: the vault URI's DNS suffix."),
  }),
]);

export const Azure = z
  .strictObject({
    subscriptionId: formatted(accountGuid("id")).describe("The subscription every resource is made in."),
    tenantId: formatted(accountGuid("tenantId")).describe("The Entra ID tenant (vaults, AKS Entra ID integration, workload identity)."),
    location: z.string().regex(/^[a-z0-9]+$/, "must be an Azure region name such as westeurope").describe("Default region of every resource."),
    cloud: Cloud.default("AzureCloud").describe("A named cloud, or the endpoints of another (Azure Stack, a test server)."),
    naming: z
      .string()
      .regex(/\{name\}/, "must contain {name}")
      .default("{platform}-{env}-{name}")
      .describe("How Azure names are made from logical names: {platform}, {env} (base without --env) and {name}. Storage-like names drop the hyphens. Set it per environment. Key Vault, registry, SQL and PostgreSQL server names are globally unique."),
    resourceGroups: z.record(Name, ResourceGroup).default({}),
    networks: z.record(Name, Network).default({}),
    aks: z.record(Name, Aks).default({}),
    postgres: z.record(Name, Postgres).default({}),
    sql: z.record(Name, Sql).default({}),
    keyVaults: z.record(Name, KeyVault).default({}),
    registries: z.record(Name, Registry).default({}),
    databricksWorkspaces: z.record(Name, Databricks).default({}),
    identities: z.record(Name, Identity).default({}),
    secrets: Secrets.prefault({}),
    verify: Verify.prefault({}),
  })
  .describe("Azure resources of the platform. Every resource may be existing: true (read, never modified): then only its name and resource group are needed, and the settings berth would write are optional and unchecked.");

export type AzureSpec = z.output<typeof Azure>;
