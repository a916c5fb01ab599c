/**
 * postgresql — the official `postgres` image, one replica, data on a PVC per pod.
 *
 * Every component that connects gets its own database and a user of the same name; `databases` adds more. A setup
 * Job (named after a hash of what it creates, since Jobs are immutable) creates missing roles and databases and
 * (re)sets each role's password from its secret, so it can run any number of times. Passwords live in generated
 * secrets: `postgresql-admin` in the server's namespace, `postgresql-user-<db>` in the server's namespace and the
 * consumer's.
 */
import { desired, type KubeDesired } from "../../../resources/kube-object.ts";
import { groupBy } from "../../../util/group-by.ts";
import type { GeneratedSecret } from "../../../resources/secrets.ts";
import type { ComponentContext, ComponentType, Consumer, ConnectionInfo } from "../component-type.ts";
import { componentNetworkPolicy, componentServiceAccount } from "../objects.ts";
import { execProbe, oneShotJob, secretEnv, serverObjects, serviceOffer, sizing, storageOf, tcpProbe } from "../server.ts";
import { componentLabels, serviceHost } from "../support.ts";
import { componentImage } from "../../image.ts";

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

const offer = (ctx: Ctx, consumer: Consumer): ConnectionInfo =>
  serviceOffer(ctx, {
    type: "postgresql",
    port: PORT,
    url: `postgresql://${consumer.name}:{password}@${serviceHost(ctx.name, ctx.namespace)}:${PORT}/${consumer.name}`,
    extra: { database: consumer.name, user: consumer.name, password: { name: userSecret(ctx, consumer.name), key: "password" } },
  });

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
  const databases = databasesOf(ctx);
  const image = componentImage(ctx, POSTGRESQL_IMAGE);
  const ready = execProbe(["pg_isready", "-U", "postgres", "-h", "127.0.0.1", "-p", String(PORT)], { periodSeconds: 5, timeoutSeconds: 3 });
  const [server, ...services] = serverObjects(ctx, {
    role: "server",
    name: ctx.name,
    kind: "StatefulSet",
    replicas: 1,
    image,
    uid: UID,
    env: [secretEnv("POSTGRES_PASSWORD", adminSecret(ctx), "password"), { name: "PGDATA", value: `${DATA}/pgdata` }],
    ports: [{ name: "postgresql", port: PORT }],
    probes: { startup: { ...ready, failureThreshold: 60 }, liveness: tcpProbe("postgresql", { failureThreshold: 6 }), readiness: ready },
    resources: sizing(ctx, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } }),
    writablePaths: ["/tmp", "/var/run/postgresql"],
    storage: storageOf(ctx, ctx.options.storage, DATA),
  });
  const script = setupScript(databases);
  const setup = oneShotJob(ctx, {
    role: "setup",
    content: script,
    uid: UID,
    imageValues: [...group, "image"],
    needs: [server!.key],
    initContainers: [
      {
        name: "wait-for-server",
        image,
        command: ["sh", "-c", `until pg_isready -h ${ctx.name} -p ${PORT}; do sleep 2; done`],
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
      },
    ],
    container: {
      name: "setup",
      image,
      command: ["psql", "-h", ctx.name, "-p", String(PORT), "-U", "postgres", "-d", "postgres", "-f", "/setup/setup.sql"],
      env: [secretEnv("PGPASSWORD", adminSecret(ctx), "password"), ...databases.map((db, i) => secretEnv(`DB_PASSWORD_${i}`, userSecret(ctx, db), "password"))],
      resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
      volumeMounts: [{ name: "setup", mountPath: "/setup", readOnly: true }],
    },
    volumes: [{ name: "setup", configMap: { name: `${ctx.name}-setup` } }],
  });
  const resources: KubeDesired[] = [
    desired(componentServiceAccount(ctx), ctx.origin),
    desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${ctx.name}-setup`, namespace: ctx.namespace, labels: componentLabels(ctx, "setup") }, data: { "setup.sql": script } }, ctx.origin),
    server!,
    ...services,
    setup,
    desired(componentNetworkPolicy(ctx, [PORT]), ctx.origin),
  ];
  const consumersByName = groupBy(ctx.consumers, (c) => c.name);
  const secrets: GeneratedSecret[] = [
    { name: adminSecret(ctx), keys: ["password"], namespaces: [ctx.namespace], length: 32, origin: ctx.origin, group },
    ...databases.map((db) => ({
      name: userSecret(ctx, db),
      keys: ["password"],
      namespaces: [ctx.namespace, ...(consumersByName.get(db) ?? []).map((c) => c.namespace)],
      length: 32,
      origin: ctx.origin,
      group,
    })),
  ];
  return { resources, secrets };
}

export const postgresql: ComponentType<Options> = { type: "postgresql", offers: ["host", "port", "database", "user", "password", "url"], offer, build };
