/**
 * postgresql — the official `postgres` image, one replica, data on a PVC per pod.
 *
 * Every component that connects gets its own database and a user of the same name; `databases` adds more. A setup
 * Job (named after a hash of what it creates, since Jobs are immutable) creates missing roles and databases and
 * (re)sets each role's password from its secret, so it can run any number of times. Passwords live in generated
 * secrets: `postgresql-admin` in the server's namespace, `postgresql-user-<db>` in the server's namespace and the
 * consumer's.
 */
import { createHash } from "node:crypto";
import { desired, type DesiredResource } from "../../../resources/kube-object.ts";
import type { GeneratedSecret } from "../../../resources/secrets.ts";
import type { ComponentContext, ComponentType, Consumer, ConnectionInfo } from "../component-type.ts";
import { componentLabels, componentPod, componentSelector, serviceHost, sizing } from "../support.ts";
import { componentNetworkPolicy, componentServiceAccount, headlessService, service } from "../objects.ts";

type Options = Extract<ComponentContext["options"], { type: "postgresql" }>;
type Ctx = ComponentContext<Options>;

export const POSTGRESQL_IMAGE = "postgres:16.6";
const PORT = 5432;
const UID = 999;
const DATA = "/var/lib/postgresql/data";

const adminSecret = (ctx: Ctx) => `${ctx.name}-admin`;
const userSecret = (ctx: Ctx, db: string) => `${ctx.name}-user-${db}`;

/** Databases to create: one per consumer, then the declared extras, in a stable order. */
export const databasesOf = (ctx: Ctx): string[] => [...new Set([...ctx.consumers.map((c) => c.name), ...ctx.options.databases])];

function offer(ctx: Ctx, consumer: Consumer): ConnectionInfo {
  return {
    provider: ctx.name,
    type: "postgresql",
    host: serviceHost(ctx.name, ctx.namespace),
    port: PORT,
    database: consumer.name,
    user: consumer.name,
    password: { name: userSecret(ctx, consumer.name), key: "password" },
    url: `postgresql://${consumer.name}:{password}@${serviceHost(ctx.name, ctx.namespace)}:${PORT}/${consumer.name}`,
    ports: [PORT],
    podLabels: componentSelector(ctx, "server"),
    namespace: ctx.namespace,
  };
}

/** The idempotent setup script: psql reads each password from the environment, never from its arguments. */
export function setupScript(databases: readonly string[]): string {
  const lines = ["\\set ON_ERROR_STOP on"];
  databases.forEach((db, i) => {
    lines.push(
      `\\getenv pw_${i} DB_PASSWORD_${i}`,
      `SELECT format('CREATE ROLE %I LOGIN', '${db}') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${db}') \\gexec`,
      `ALTER ROLE "${db}" WITH LOGIN PASSWORD :'pw_${i}';`,
      `SELECT format('CREATE DATABASE %I OWNER %I', '${db}', '${db}') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${db}') \\gexec`,
    );
  });
  return `${lines.join("\n")}\n`;
}

function build(ctx: Ctx) {
  const group = ["components", ctx.name];
  const labels = componentLabels(ctx, "server");
  const selector = componentSelector(ctx, "server");
  const databases = databasesOf(ctx);
  const size = sizing(ctx, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } });
  const image = ctx.options.image ?? POSTGRESQL_IMAGE;
  const storageClass = ctx.options.storage.storageClass ?? ctx.platform.spec.kubernetes.defaultStorageClass;
  const passwordEnv = { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: adminSecret(ctx), key: "password" } } };
  const ready = ["pg_isready", "-U", "postgres", "-h", "127.0.0.1", "-p", String(PORT)];

  const statefulSet = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: ctx.name, namespace: ctx.namespace, labels },
    spec: {
      serviceName: `${ctx.name}-headless`,
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: componentPod({
          ctx,
          serviceAccount: ctx.name,
          uid: UID,
          writablePaths: ["/tmp", "/var/run/postgresql"],
          containers: [
            {
              name: "postgresql",
              image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "postgresql", containerPort: PORT, protocol: "TCP" }],
              env: [passwordEnv, { name: "PGDATA", value: `${DATA}/pgdata` }],
              resources: size,
              startupProbe: { exec: { command: ready }, periodSeconds: 5, failureThreshold: 60 },
              livenessProbe: { tcpSocket: { port: "postgresql" }, periodSeconds: 10, failureThreshold: 6 },
              readinessProbe: { exec: { command: ready }, periodSeconds: 5, timeoutSeconds: 3 },
              volumeMounts: [{ name: "data", mountPath: DATA }],
            },
          ],
        }),
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels },
          spec: { accessModes: ["ReadWriteOnce"], storageClassName: storageClass, resources: { requests: { storage: ctx.options.storage.size } } },
        },
      ],
    },
  };

  const script = setupScript(databases);
  const hash = createHash("sha256").update(script).digest("hex").slice(0, 8);
  const setupLabels = componentLabels(ctx, "setup");
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${ctx.name}-setup-${hash}`, namespace: ctx.namespace, labels: setupLabels },
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: setupLabels },
        spec: {
          ...componentPod({
            ctx,
            serviceAccount: ctx.name,
            uid: UID,
            initContainers: [
              {
                name: "wait-for-server",
                image,
                command: ["sh", "-c", `until pg_isready -h ${ctx.name} -p ${PORT}; do sleep 2; done`],
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
              },
            ],
            containers: [
              {
                name: "setup",
                image,
                command: ["psql", "-h", ctx.name, "-p", String(PORT), "-U", "postgres", "-d", "postgres", "-f", "/setup/setup.sql"],
                env: [
                  { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: adminSecret(ctx), key: "password" } } },
                  ...databases.map((db, i) => ({ name: `DB_PASSWORD_${i}`, valueFrom: { secretKeyRef: { name: userSecret(ctx, db), key: "password" } } })),
                ],
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                volumeMounts: [{ name: "setup", mountPath: "/setup", readOnly: true }],
              },
            ],
            volumes: [{ name: "setup", configMap: { name: `${ctx.name}-setup` } }],
          }),
          restartPolicy: "OnFailure",
        },
      },
    },
  };

  const server = desired(statefulSet, ctx.origin, {
    tunables: [
      { field: ["spec", "template", "spec", "containers", 0, "image"], values: [...group, "image"] },
      { field: ["spec", "template", "spec", "containers", 0, "resources"], values: [...group, "resources"] },
      { field: ["spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"], values: [...group, "persistence", "size"] },
      { field: ["spec", "volumeClaimTemplates", 0, "spec", "storageClassName"], values: [...group, "persistence", "storageClass"] },
    ],
  });
  const resources: DesiredResource[] = [
    desired(componentServiceAccount(ctx), ctx.origin),
    desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${ctx.name}-setup`, namespace: ctx.namespace, labels: setupLabels }, data: { "setup.sql": script } }, ctx.origin),
    server,
    desired(service(ctx, ctx.name, selector, [{ name: "postgresql", port: PORT }]), ctx.origin),
    desired(headlessService(ctx, `${ctx.name}-headless`, selector, [{ name: "postgresql", port: PORT }]), ctx.origin),
    desired(job, ctx.origin, { needs: [server.key], tunables: [{ field: ["spec", "template", "spec", "containers", 0, "image"], values: [...group, "image"] }, { field: ["spec", "template", "spec", "initContainers", 0, "image"], values: [...group, "image"] }] }),
    desired(componentNetworkPolicy(ctx, [PORT]), ctx.origin),
  ];
  const secrets: GeneratedSecret[] = [
    { name: adminSecret(ctx), keys: ["password"], namespaces: [ctx.namespace], length: 32, origin: ctx.origin, group },
    ...databases.map((db) => ({
      name: userSecret(ctx, db),
      keys: ["password"],
      namespaces: [ctx.namespace, ...ctx.consumers.filter((c) => c.name === db).map((c) => c.namespace)],
      length: 32,
      origin: ctx.origin,
      group,
    })),
  ];
  return { resources, secrets };
}

export const postgresql: ComponentType<Options> = { type: "postgresql", offers: ["host", "port", "database", "user", "password", "url"], offer, build };
