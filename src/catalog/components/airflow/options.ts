import { z } from "zod";
import * as f from "../../../spec/formats.ts";
import { DataKey, formatted, Name, ObjectName, Storage } from "../../../spec/schema-parts.ts";
import { commonOptions, ComponentEnv } from "../common-options.ts";

const PartialQuantities = z.strictObject({ cpu: formatted(f.cpuQuantity).optional(), memory: formatted(f.memoryQuantity).optional() });
const RoleResources = z.strictObject({ requests: PartialQuantities.optional(), limits: PartialQuantities.optional() });

export const AIRFLOW_ROLES = ["api-server", "scheduler", "dag-processor", "triggerer", "worker"] as const;

export const AirflowOptions = z
  .strictObject({
    type: z.literal("airflow"),
    ...commonOptions,
    executor: z.literal("celery").default("celery").describe("CeleryExecutor: a redis connection is the broker."),
    workers: z.int().min(1).default(2).describe("Celery worker replicas."),
    gitSync: z
      .strictObject({
        repo: z
          .string()
          .regex(/^https:\/\/[^\s]+$/, "must be an https:// git URL (SSH needs a key and known_hosts, which berth does not wire yet)")
          .describe("https:// URL of the DAG repository."),
        branch: z.string().min(1).default("main"),
        subPath: z.string().default("dags").describe("Folder of the repository holding the DAGs."),
        period: formatted(f.promDuration).default("60s"),
        credentials: z
          .strictObject({ secret: ObjectName, usernameKey: DataKey.default("GITSYNC_USERNAME"), passwordKey: DataKey.default("GITSYNC_PASSWORD") })
          .optional()
          .describe("A secret declared under spec.secrets holding the git login."),
      })
      .optional()
      .describe("DAGs from git: a one-time sync before start and a sidecar keeping them current."),
    env: ComponentEnv.describe("Extra environment on every Airflow pod, e.g. AZURE_KEY_VAULT_URL: { from: azure.keyVaults.main, value: vaultUri }. An https URL or a reference to a Key Vault, server or workspace also opens egress to its host."),
    identity: Name.optional().describe("Azure workload identity for the pods that run DAG code: worker, scheduler, dag-processor, triggerer."),
    secretReader: z.boolean().default(false).describe("A Role reading Secrets in the namespace, bound to those four ServiceAccounts."),
    logs: Storage.optional().describe("A ReadWriteMany volume for task logs shared by all pods (e.g. azurefile-csi-nfs)."),
    resourcesByRole: z.partialRecord(z.enum(AIRFLOW_ROLES), RoleResources).default({}).describe("Requests and limits per role, over the catalog defaults."),
  })
  .describe("Apache Airflow 3 with the Celery executor: api-server, scheduler, dag-processor, triggerer and workers.");
