/**
 * superset — the official image with superset_config.py reading everything secret from the environment, an init
 * Job (db upgrade, admin user when missing, init) named after its content, and the Redis cache.
 */
import { desired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpHealth, oneShotJob, secretEnv, serviceOffer, sizing, userEnv } from "../server.ts";
import { componentLabels } from "../support.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "superset" }>;
type Ctx = ComponentContext<Options>;

/** The -dev variant: since 4.1 the release images ship no database drivers, and the metadata DB is PostgreSQL. */
export const SUPERSET_IMAGE = "apache/superset:4.1.2-dev";
const HTTP = 8088;

export const SUPERSET_CONFIG = `import os
from urllib.parse import quote_plus

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
# Built here, not in the environment: credentials from a user's secret may hold characters a URL cannot.
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://%s:%s@%s:%s/%s%s" % (
    quote_plus(os.environ["SUPERSET_DB_USER"]),
    quote_plus(os.environ["SUPERSET_DB_PASSWORD"]),
    os.environ["SUPERSET_DB_HOST"],
    os.environ["SUPERSET_DB_PORT"],
    os.environ["SUPERSET_DB_NAME"],
    "?sslmode=" + os.environ["SUPERSET_DB_SSLMODE"] if os.environ.get("SUPERSET_DB_SSLMODE") else "",
)
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
  const image = componentImage(ctx, SUPERSET_IMAGE);
  const db = ctx.connections.find((c) => c.type === "postgresql" || c.type === "external-postgresql")!;
  const cache = ctx.connections.find((c) => c.type === "redis")!;
  const keys = `${ctx.name}-keys`;
  const env = [
    secretEnv("SUPERSET_SECRET_KEY", keys, "secret-key"),
    userEnv("SUPERSET_DB_USER", db),
    secretEnv("SUPERSET_DB_PASSWORD", db.password!.name, db.password!.key),
    { name: "SUPERSET_DB_HOST", value: db.host },
    { name: "SUPERSET_DB_PORT", value: String(db.port) },
    { name: "SUPERSET_DB_NAME", value: db.database! },
    ...(db.sslmode ? [{ name: "SUPERSET_DB_SSLMODE", value: db.sslmode }] : []),
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
