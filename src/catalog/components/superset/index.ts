/**
 * superset — the official image with superset_config.py reading everything secret from the environment, an init
 * Job (db upgrade, admin user when missing, init) named after its content, and the Redis cache.
 */
import { desired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpHealth, oneShotJob, secretEnv, serviceOffer, sizing } from "../server.ts";
import { componentLabels } from "../support.ts";

type Options = Extract<ComponentContext["options"], { type: "superset" }>;
type Ctx = ComponentContext<Options>;

export const SUPERSET_IMAGE = "apache/superset:4.1.2";
const HTTP = 8088;

export const SUPERSET_CONFIG = `import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_DATABASE_URI"]
CACHE_CONFIG = {
    "CACHE_TYPE": "RedisCache",
    "CACHE_DEFAULT_TIMEOUT": 300,
    "CACHE_KEY_PREFIX": "superset_",
    "CACHE_REDIS_URL": os.environ["SUPERSET_CACHE_REDIS_URL"],
}
DATA_CACHE_CONFIG = CACHE_CONFIG
`;

export const INIT_SCRIPT = [
  "set -e",
  "superset db upgrade",
  'superset fab list-users | grep -q "username:admin" || superset fab create-admin --username admin --firstname Superset --lastname Admin --email admin@superset.invalid --password "$ADMIN_PASSWORD"',
  "superset init",
].join("; ");

const offer = (ctx: Ctx): ConnectionInfo => serviceOffer(ctx, { type: "superset", port: HTTP });

function build(ctx: Ctx) {
  const group = ["components", ctx.name];
  const image = ctx.options.image ?? SUPERSET_IMAGE;
  const db = ctx.connections.find((c) => c.type === "postgresql" || c.type === "external-postgresql")!;
  const cache = ctx.connections.find((c) => c.type === "redis")!;
  const keys = `${ctx.name}-keys`;
  const env = [
    secretEnv("SUPERSET_SECRET_KEY", keys, "secret-key"),
    secretEnv("BERTH_DB_PASSWORD", db.password!.name, db.password!.key),
    { name: "SUPERSET_DATABASE_URI", value: `postgresql+psycopg2://${db.user}:$(BERTH_DB_PASSWORD)@${db.host}:${db.port}/${db.database}` },
    secretEnv("BERTH_CACHE_PASSWORD", cache.password!.name, cache.password!.key),
    { name: "SUPERSET_CACHE_REDIS_URL", value: `redis://:$(BERTH_CACHE_PASSWORD)@${cache.host}:${cache.port}/1` },
    { name: "SERVER_WORKER_AMOUNT", value: String(ctx.options.workers) },
    { name: "SUPERSET_HOME", value: "/app/superset_home" },
  ];
  const configMap = `${ctx.name}-config`;
  const mounts = [{ name: "config", mountPath: "/app/pythonpath", readOnly: true }];
  const volumes = [{ name: "config", configMap: { name: configMap } }];
  const writable = ["/tmp", "/app/superset_home"];
  const init = oneShotJob(ctx, {
    role: "init",
    content: INIT_SCRIPT + image,
    uid: 1000,
    writablePaths: writable,
    imageValues: [...group, "image"],
    container: {
      name: "init",
      image,
      command: ["sh", "-c", INIT_SCRIPT],
      env: [...env, secretEnv("ADMIN_PASSWORD", `${ctx.name}-admin`, "password")],
      resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
      volumeMounts: mounts,
    },
    volumes,
  });
  return assemble(ctx, {
    extra: [
      desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: configMap, namespace: ctx.namespace, labels: componentLabels(ctx) }, data: { "superset_config.py": SUPERSET_CONFIG } }, ctx.origin),
      init,
    ],
    roles: [
      {
        role: "server",
        name: ctx.name,
        kind: "Deployment",
        replicas: ctx.options.replicas,
        image,
        uid: 1000,
        env,
        ports: [{ name: "http", port: HTTP }],
        probes: httpHealth("/health", "http"),
        resources: sizing(ctx, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } }),
        writablePaths: writable,
        volumeMounts: mounts,
        volumes,
        needs: [init.key],
      },
    ],
    ports: [HTTP],
    secrets: [
      { name: keys, keys: ["secret-key"], namespaces: [ctx.namespace], length: 42, origin: ctx.origin, group },
      { name: `${ctx.name}-admin`, keys: ["password"], namespaces: [ctx.namespace], length: 24, origin: ctx.origin, group },
    ],
  });
}

export const superset: ComponentType<Options> = { type: "superset", requires: ["postgresql", "redis"], offers: ["host", "port", "url"], offer, build };
