/**
 * The berth.yaml schema. This zod schema is the one source of the spec's TypeScript types, its defaults, the JSON
 * Schema printed by `berth schema` and the generated spec reference (docs/spec-reference.md).
 */
import { z } from "zod";
import { COMPONENT_OPTIONS } from "../catalog/components/options.ts";
import * as f from "./formats.ts";
import { Azure, AzureRef, ServerAdminRef, VaultSecretPattern } from "./azure-schema.ts";
import { Databricks } from "./databricks-schema.ts";
import { Image } from "./image-schema.ts";
import { State } from "./state-schema.ts";
import { DataKey, formatted, Labels, Name, ObjectName, PortName, PortNumber, Resources } from "./schema-parts.ts";

export const API_VERSION = "berth.dev/v1alpha1";
export const KIND = "Platform";

// ---- cluster -------------------------------------------------------------------------------------------------

const StorageClass = z
  .strictObject({
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]))
      .min(1)
      .describe("Access modes the class's provisioner supports; PVC requests are checked against them."),
  })
  .describe("A storage class that exists in the cluster, with what it can do.");

const IngressController = z
  .strictObject({
    controller: z
      .enum(["ingress-nginx", "app-routing"])
      .default("ingress-nginx")
      .describe("Which controller serves Ingresses: community ingress-nginx, or AKS application routing (managed nginx)."),
    className: z.string().optional().describe("ingressClassName; defaults to the controller's usual class (nginx, webapprouting.kubernetes.azure.com)."),
    namespace: Name.optional().describe("Namespace the controller's pods run in (ingress-nginx, app-routing-system by default)."),
    podLabels: Labels.optional().describe("Labels of the controller's pods, used to admit only them in NetworkPolicies."),
  })
  .describe("The ingress controller installed in the cluster.");

const Issuer = z.strictObject({
  name: ObjectName,
  kind: z.enum(["ClusterIssuer", "Issuer"]).default("ClusterIssuer"),
  solver: z
    .enum(["http01", "dns01"])
    .default("http01")
    .describe("How the issuer proves the domain; http01 solver pods get an allow from the ingress controller."),
});

const Prometheus = z
  .strictObject({
    namespace: Name.default("monitoring").describe("Namespace Prometheus runs in; its pods are allowed to scrape metrics ports."),
    podLabels: Labels.default({ "app.kubernetes.io/name": "prometheus" }).describe("Labels of the Prometheus pods."),
    selectorLabels: Labels.default({}).describe(
      "Labels Prometheus selects ServiceMonitors and PrometheusRules by (serviceMonitorSelector / ruleSelector), e.g. release: kube-prometheus-stack.",
    ),
  })
  .describe("The Prometheus Operator installation that scrapes apps with `monitoring`.");

const Kubernetes = z
  .strictObject({
    namespace: Name.optional().describe("Default namespace of apps, components and jobs; defaults to metadata.name."),
    namespaces: z
      .record(Name, Name)
      .default({})
      .describe("Short names for namespaces: a component or app may say `namespace: core` for `core: datalyptica-core`."),
    openshift: z
      .boolean()
      .default(false)
      .describe("Render for OpenShift's restricted SCC: no fixed UIDs, so the namespace's range applies."),
    version: formatted(f.kubernetesVersion).describe('Target Kubernetes minor version, as a quoted string ("1.31"). See docs for the supported range.'),
    ingress: IngressController.optional(),
    certManager: z
      .strictObject({ issuers: z.array(Issuer).min(1).describe("Issuers that exist in the cluster.") })
      .optional()
      .describe("cert-manager, when installed: ingress TLS can be issued by one of these issuers."),
    prometheus: Prometheus.optional(),
    metricsAdapter: z
      .enum(["prometheus-adapter"])
      .optional()
      .describe("A custom metrics adapter, required before an autoscaler may use a Pods metric."),
    storageClasses: z
      .record(ObjectName, StorageClass)
      .default({})
      .describe("Storage classes of the cluster beyond the built-in AKS ones (default, managed-csi, managed-csi-premium, azurefile-csi, azurefile-csi-premium and their legacy names), e.g. azurefile-csi-nfs."),
    defaultStorageClass: ObjectName.default("managed-csi").describe("Storage class for volumes that do not name one."),
    apiServerCidrs: z
      .array(formatted(f.cidr))
      .optional()
      .describe("Addresses of the Kubernetes API server, for pods granted API access (e.g. the private endpoint's subnet). Default: any public address."),
  })
  .describe("The cluster berth renders for and the add-ons it already runs. Required when the spec declares apps, components or jobs.");

// ---- apps ----------------------------------------------------------------------------------------------------

const AppPort = z.strictObject({
  name: PortName.describe("Port name; probes, ingress and monitoring refer to ports by this name."),
  port: PortNumber.describe("Container port the app listens on."),
  servicePort: PortNumber.optional().describe("Port the Service exposes; defaults to `port`."),
  protocol: z.enum(["TCP", "UDP"]).default("TCP"),
});

const Probe = z
  .strictObject({
    type: z.enum(["http", "tcp"]).default("http"),
    path: formatted(f.urlPath).optional().describe("HTTP path (required for http probes), exactly as the app serves it."),
    port: z.union([PortName, PortNumber]).optional().describe("Port name or number; defaults to the first port."),
    initialDelaySeconds: z.int().min(0).optional(),
    periodSeconds: z.int().min(1).default(10),
    timeoutSeconds: z.int().min(1).default(2),
    failureThreshold: z.int().min(1).default(3),
  })
  .describe("A health probe.");

const EnvValue = z.union([
  z.string().describe("A literal value. Never put secrets here: use { secret, key }."),
  z.strictObject({ config: DataKey.describe("Key of this app's config (ConfigMap).") }),
  z.strictObject({ secret: ObjectName.describe("A secret declared under spec.secrets."), key: DataKey }),
  z.strictObject({
    field: z
      .enum(["metadata.name", "metadata.namespace", "spec.nodeName", "spec.serviceAccountName", "status.podIP"])
      .describe("A pod field (downward API)."),
  }),
  z.strictObject({
    from: Name.describe("A component this app connects to (listed in connects)."),
    value: z
      .enum(["host", "port", "database", "user", "password", "url"])
      .describe("What the connection offers: the password arrives as a secretKeyRef, the url embeds it by $(VAR) reference."),
  }),
  AzureRef,
], { error: "a string, or one of { config }, { secret, key }, { field }, { from, value }" });

const Autoscale = z
  .strictObject({
    min: z.int().min(1).default(2),
    max: z.int().min(1),
    cpu: z.int().min(1).max(1000).optional().describe("Target average CPU utilization, % of requests (may exceed 100)."),
    memory: z.int().min(1).max(1000).optional().describe("Target average memory utilization, % of requests (may exceed 100)."),
    pods: z
      .array(
        z.strictObject({
          metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "must be a metric name").describe("Custom per-pod metric name."),
          averageValue: z.string().describe('Target average per pod, a quantity such as "100".'),
        }),
      )
      .default([])
      .describe("Custom Pods metrics; need spec.kubernetes.metricsAdapter."),
  })
  .describe("A HorizontalPodAutoscaler (autoscaling/v2) on the stable Deployment.");

const Tls = z.union([
  z.strictObject({ issuer: ObjectName.describe("A cert-manager issuer declared in spec.kubernetes.certManager.issuers.") }),
  z.strictObject({ secretName: ObjectName.describe("An existing kubernetes.io/tls Secret, declared under spec.secrets.") }),
]);

const AppIngress = z
  .strictObject({
    host: formatted(f.hostname),
    paths: z.array(formatted(f.urlPath)).min(1).default(["/"]),
    port: PortName.optional().describe("Which app port to route to; defaults to the first port."),
    tls: Tls.optional().describe("TLS from a cert-manager issuer or an existing secret."),
    rateLimit: z
      .strictObject({
        rps: z.int().min(1).optional().describe("Requests per second per client IP."),
        connections: z.int().min(1).optional().describe("Concurrent connections per client IP."),
      })
      .optional()
      .describe("Rate limits, rendered as the declared controller's annotations."),
    annotations: z
      .record(formatted(f.labelKey), z.string())
      .default({})
      .describe("Extra annotations. Snippet annotations and the ones berth writes itself (canary, rate limits) are refused."),
  })
  .describe("Expose the app through the cluster's ingress controller.");

const Canary = z
  .strictObject({
    image: Image.describe("The new version's image."),
    replicas: z.int().min(1).default(1),
    weight: z.int().min(0).max(100).describe("Percent of ingress traffic sent to the canary."),
  })
  .describe("Run a second Deployment of a new version beside the stable one. Promote: set `image` to the canary's and remove `canary`. Roll back: remove `canary`.");

const Volume = z
  .strictObject({
    mountPath: formatted(f.absolutePath),
    size: formatted(f.storageQuantity),
    accessMode: z.enum(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]).default("ReadWriteOnce"),
    storageClass: ObjectName.optional().describe("Defaults to spec.kubernetes.defaultStorageClass."),
    readOnly: z.boolean().default(false),
  })
  .describe("A PersistentVolumeClaim, mounted into the app.");

const Alert = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "must be a Prometheus alert name (letters, digits, '_')"),
  expr: z.string().min(1).describe('PromQL. Metrics must be among `keepMetrics` (when set); a `job` matcher must name the app\'s Service.'),
  for: formatted(f.promDuration).default("5m"),
  severity: z.enum(["critical", "warning", "info"]).default("warning"),
  summary: z.string().min(1),
  description: z.string().optional(),
});

const Monitoring = z
  .strictObject({
    port: PortName.describe("Name of the app port serving metrics."),
    path: formatted(f.urlPath).default("/metrics"),
    interval: formatted(f.promDuration).default("30s"),
    keepMetrics: z
      .array(z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "must be a metric name"))
      .optional()
      .describe("Only these metrics are kept at scrape time; alerts may use only these."),
    alerts: z.array(Alert).default([]),
  })
  .describe("A ServiceMonitor and, with alerts, a PrometheusRule; needs spec.kubernetes.prometheus.");

const PolicyRule = z.strictObject({
  apiGroups: z.array(z.string()).min(1),
  resources: z.array(z.string()).min(1),
  verbs: z.array(z.enum(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"])).min(1),
  resourceNames: z.array(z.string()).optional(),
});

const Endpoint = z.strictObject({
  name: Name.describe("What this endpoint is (databricks, entra-id, key-vault)."),
  hosts: z.array(formatted(f.hostname)).min(1).describe("Host names, recorded on the policy: NetworkPolicy itself cannot match names."),
  cidrs: z.array(formatted(f.cidr)).optional().describe("Address ranges to allow; without them, any address outside private ranges."),
  ports: z.array(PortNumber).min(1).default([443]).describe("An empty list would allow every port, so at least one is required."),
});

const AllowFrom = z.strictObject({
  namespace: Name.describe("Namespace of the callers."),
  podLabels: Labels.optional().describe("Labels of the calling pods; without them, every pod of the namespace."),
  ports: z.array(PortName).min(1).optional().describe("Port names they may reach; defaults to all app ports."),
});

const Security = z
  .strictObject({
    runAsUser: z.int().min(1).default(10001).describe("Non-zero UID the containers run as."),
    runAsGroup: z.int().min(1).default(10001),
    fsGroup: z.int().min(1).default(10001),
    writablePaths: z
      .array(formatted(f.absolutePath))
      .default(["/tmp"])
      .describe("Writable emptyDir mounts; the root filesystem is read-only."),
  })
  .prefault({});

const App = z
  .strictObject({
    namespace: Name.optional().describe("Namespace; defaults to spec.kubernetes.namespace."),
    image: Image,
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    replicas: z.int().min(0).default(2).describe("Replicas of the stable Deployment (ignored when autoscale is set)."),
    ports: z.array(AppPort).min(1),
    probes: z
      .strictObject({ liveness: Probe, readiness: Probe, startup: Probe.optional() })
      .describe("Liveness and readiness are required; paths and ports exactly as the app serves them."),
    env: z.record(formatted(f.envName), EnvValue).default({}).describe("Environment variables, named exactly as the app reads them."),
    config: z
      .strictObject({
        name: ObjectName.optional().describe("ConfigMap name; defaults to <app>-config."),
        data: z.record(DataKey, z.string()).describe("Configuration values (strings: quote numbers)."),
        mountPath: formatted(f.absolutePath).optional().describe("Also mount the keys as files here."),
      })
      .optional()
      .describe("A ConfigMap for this app; env entries use its keys with { config: key }."),
    resources: Resources,
    autoscale: Autoscale.optional(),
    disruption: z
      .strictObject({ maxUnavailable: z.union([z.int().min(0), z.string().regex(/^[0-9]{1,3}%$/)]) })
      .optional()
      .describe("PodDisruptionBudget; created by default with maxUnavailable 1 when the app runs two or more replicas."),
    ingress: AppIngress.optional(),
    canary: Canary.optional(),
    volumes: z.record(Name, Volume).default({}).describe("PersistentVolumeClaims named <app>-<volume>, each mounted into the app."),
    monitoring: Monitoring.optional(),
    identity: Name.optional().describe("An Azure workload identity: one of spec.azure.identities, or of spec.identities when the identity is made outside berth."),
    rbac: z
      .strictObject({ rules: z.array(PolicyRule).default([]) })
      .optional()
      .describe("A Role bound to the app's ServiceAccount; rules may be empty. The API token is mounted only when rules are not empty."),
    connects: z
      .array(Name)
      .default([])
      .describe("Apps and components this app uses: allows the traffic, orders the rollout; a component gives the app its own credentials."),
    egress: z.array(Endpoint).default([]).describe("External endpoints the app calls (HTTPS by default)."),
    allowFrom: z.array(AllowFrom).default([]).describe("Callers outside berth's apps that may reach this app."),
    security: Security,
    labels: Labels.default({}),
  })
  .describe("One of your own services.");

const Job = z
  .strictObject({
    namespace: Name.optional().describe("Namespace or alias; defaults to spec.kubernetes.namespace."),
    image: Image,
    command: z.array(z.string()).min(1).describe("The program and its arguments as a list; no shell line continuations needed."),
    args: z.array(z.string()).optional(),
    env: z.record(formatted(f.envName), EnvValue).default({}).describe("Environment, named exactly as the job reads it (hyphens allowed)."),
    after: z.array(Name).default([]).describe("Jobs that must complete before this one starts."),
    connects: z.array(Name).default([]).describe("Components the job uses (credentials, network allows)."),
    identity: Name.optional().describe("An Azure workload identity: one of spec.azure.identities, or of spec.identities when the identity is made outside berth."),
    resources: Resources,
    backoffLimit: z.int().min(0).default(3),
    activeDeadlineSeconds: z.int().min(1).default(3600),
    volumes: z.record(Name, Volume).default({}).describe("PersistentVolumeClaims named <job>-<volume>, on the declared storage class."),
    egress: z.array(Endpoint).default([]),
    security: Security,
  })
  .describe("A task that runs to completion, after the jobs it names; the Job's name carries a hash of its content because Jobs are immutable.");

// ---- platform ------------------------------------------------------------------------------------------------

const Identity = z.strictObject({
  azure: z.strictObject({
    clientId: formatted(f.guid).describe("Client ID of the user-assigned managed identity."),
    tenantId: formatted(f.guid).optional(),
  }),
});

const Secret = z
  .strictObject({
    keys: z.array(DataKey).min(1).describe("Keys the secret holds; references are checked against them."),
    type: z.enum(["Opaque", "kubernetes.io/tls"]).default("Opaque"),
    keyVault: z
      .record(
        DataKey,
        z.union([
          VaultSecretPattern,
          z.strictObject({ secret: VaultSecretPattern, field: z.string().min(1).describe("A field of the secret's JSON value (delivery: eso).") }),
          ServerAdminRef,
        ]),
      )
      .optional()
      .describe("Where each key's value is kept in the platform's Key Vault (spec.azure.secrets): a vault secret name, { secret, field } for a field of a JSON value, or { from: azure.sql.<name>, value: adminLogin | adminPassword } for a server's admin login kept by berth. berth checks the names you set are present before deploying (az keyvault secret set)."),
  })
  .describe("A secret that exists before deploy. berth never takes secret values in the spec.");

const specShape = {
  kubernetes: Kubernetes.optional(),
  azure: Azure.optional(),
  databricks: Databricks.optional(),
  state: State.optional(),
  identities: z.record(Name, Identity).default({}).describe("Workload identities made outside berth (user-assigned managed identities, by client id); identities berth makes are declared in spec.azure.identities."),
  secrets: z.record(ObjectName, Secret).default({}).describe("Pre-existing secrets the apps read."),
  components: z
    .record(Name, z.discriminatedUnion("type", COMPONENT_OPTIONS))
    .default({})
    .describe("Catalog components (postgresql, redis, …), each with its own small set of options."),
  lint: z
    .strictObject({
      ignore: z
        .array(
          z.strictObject({
            rule: z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/, "must be a rule ID such as PDB-MISSING").describe("The rule to silence."),
            object: z.string().min(1).optional().describe('Only for this object, named as findings name it: "Deployment shop/web". All objects when absent.'),
            reason: z.string().min(1).describe("Why the rule does not apply: required, so every suppression can be reviewed."),
          }),
        )
        .default([]),
    })
    .prefault({})
    .describe("Rules this platform deliberately does not follow, each with a reason; build and lint both honour them."),
  jobs: z.record(Name, Job).default({}).describe("One-off tasks in declared order (after:), e.g. schema setup before a merge job."),
  apps: z.record(Name, App).default({}).describe("Your own services, by name; the name becomes the Deployment, Service and ServiceAccount name."),
};

export const EnvironmentOverlay = z
  .record(z.string(), z.unknown())
  .describe("A partial spec deep-merged over the base: maps merge key by key, lists replace whole, null removes a key.");

const PlatformSpec = z.strictObject({
  ...specShape,
  environments: z.record(Name, EnvironmentOverlay).default({}).describe("Per-environment overlays, chosen with --env."),
});

export const PlatformSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: z.strictObject({
    name: formatted(f.releaseName).describe("Platform name: default namespace and Helm release name."),
    labels: Labels.optional(),
  }),
  spec: PlatformSpec,
});

export type Platform = z.output<typeof PlatformSchema>;
export type PlatformInput = z.input<typeof PlatformSchema>;
export type AppSpec = z.output<typeof App>;
export type ProbeSpec = z.output<typeof Probe>;
export type EnvValueSpec = z.output<typeof EnvValue>;
export type VolumeSpec = z.output<typeof Volume>;
export type KubernetesSpec = z.output<typeof Kubernetes>;
export type SecretSpec = z.output<typeof Secret>;
export type JobSpec = z.output<typeof Job>;
