/**
 * JSON schemas of the custom resources berth writes for Key Vault delivery (docs/design/0011) that no
 * kubernetes-models package covers. Each is the `openAPIV3Schema` of the upstream CRD, trimmed to what berth writes
 * and what is easy to get wrong (types, enums, required fields, name patterns); descriptions and the fields berth
 * never writes are left out, and like every other schema here, fields not listed pass unchecked.
 *
 * - SecretProviderClass: kubernetes-sigs/secrets-store-csi-driver v1.6.0,
 *   deploy/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml (version v1).
 * - SecretStore, ExternalSecret: external-secrets/external-secrets v2.9.0,
 *   config/crds/bases/external-secrets.io_secretstores.yaml and external-secrets.io_externalsecrets.yaml (version v1).
 */

const string = { type: "string" } as const;
const stringMap = { type: "object", additionalProperties: string } as const;
/** Kubernetes object names, as the ESO CRDs spell them. */
const dnsSubdomain = { type: "string", minLength: 1, maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" } as const;
const dnsLabel = { type: "string", minLength: 1, maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" } as const;
const secretKey = { type: "string", minLength: 1, maxLength: 253, pattern: "^[-._a-zA-Z0-9]+$" } as const;

const top = (apiVersion: string, kind: string, spec: object) => ({
  type: "object",
  required: ["apiVersion", "kind"],
  properties: {
    apiVersion: { type: "string", enum: [apiVersion] },
    kind: { type: "string", enum: [kind] },
    metadata: { type: "object" },
    spec,
    status: { type: "object" },
  },
});

export const SECRET_PROVIDER_CLASS_V1 = top("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass", {
  type: "object",
  properties: {
    provider: string,
    // Every provider parameter is a string (the Azure provider's `objects` is YAML inside one).
    parameters: stringMap,
    secretObjects: {
      type: "array",
      items: {
        type: "object",
        properties: {
          secretName: string,
          type: string,
          labels: stringMap,
          annotations: stringMap,
          data: { type: "array", items: { type: "object", properties: { key: string, objectName: string } } },
        },
      },
    },
  },
});

const secretKeySelector = { type: "object", properties: { key: secretKey, name: dnsSubdomain, namespace: dnsLabel } } as const;

const AZURE_KV = {
  type: "object",
  required: ["vaultUrl"],
  properties: {
    authType: { type: "string", enum: ["ServicePrincipal", "ManagedIdentity", "WorkloadIdentity"] },
    vaultUrl: string,
    tenantId: string,
    identityId: string,
    useAzureSDK: { type: "boolean" },
    environmentType: { type: "string", enum: ["PublicCloud", "USGovernmentCloud", "ChinaCloud", "GermanCloud", "AzureStackCloud"] },
    serviceAccountRef: { type: "object", required: ["name"], properties: { name: dnsSubdomain, namespace: dnsLabel, audiences: { type: "array", items: string } } },
    authSecretRef: {
      type: "object",
      properties: { clientId: secretKeySelector, clientSecret: secretKeySelector, clientCertificate: secretKeySelector, tenantId: secretKeySelector },
    },
    customCloudConfig: {
      type: "object",
      required: ["activeDirectoryEndpoint"],
      properties: { activeDirectoryEndpoint: string, keyVaultDNSSuffix: string, keyVaultEndpoint: string, resourceManagerEndpoint: string },
    },
  },
} as const;

export const SECRET_STORE_V1 = top("external-secrets.io/v1", "SecretStore", {
    type: "object",
    required: ["provider"],
    properties: {
      controller: string,
      refreshInterval: { anyOf: [{ type: "integer" }, { type: "string" }] },
      // Exactly one provider; only Azure Key Vault's is spelled out.
      provider: { type: "object", minProperties: 1, maxProperties: 1, properties: { azurekv: AZURE_KV } },
      retrySettings: { type: "object" },
      conditions: { type: "array" },
    },
  },
);

export const EXTERNAL_SECRET_V1 = top("external-secrets.io/v1", "ExternalSecret", {
  type: "object",
  properties: {
    refreshInterval: string,
    refreshPolicy: { type: "string", enum: ["CreatedOnce", "Periodic", "OnChange"] },
    secretStoreRef: { type: "object", properties: { kind: { type: "string", enum: ["SecretStore", "ClusterSecretStore"] }, name: dnsSubdomain } },
    target: {
      type: "object",
      properties: {
        name: dnsSubdomain,
        creationPolicy: { type: "string", enum: ["Owner", "Orphan", "Merge", "None", "CreateOrMerge"] },
        deletionPolicy: { type: "string", enum: ["Delete", "Merge", "Retain"] },
        immutable: { type: "boolean" },
        template: { type: "object" },
      },
    },
    data: {
      type: "array",
      items: {
        type: "object",
        required: ["remoteRef", "secretKey"],
        properties: {
          secretKey,
          remoteRef: {
            type: "object",
            required: ["key"],
            properties: {
              key: string,
              property: string,
              version: string,
              conversionStrategy: { type: "string", enum: ["Default", "Unicode"] },
              decodingStrategy: { type: "string", enum: ["Auto", "Base64", "Base64URL", "None"] },
              metadataPolicy: { type: "string", enum: ["None", "Fetch"] },
              nullBytePolicy: { type: "string", enum: ["Ignore", "Fail"] },
            },
          },
          sourceRef: { type: "object", minProperties: 1, maxProperties: 1 },
        },
      },
    },
    dataFrom: { type: "array" },
  },
});
