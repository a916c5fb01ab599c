/**
 * redis — the official `redis` image with a password and append-only persistence. The password reaches redis through
 * a config file written by an init container (never through arguments, which any process can read), and redis-cli
 * reads it from REDISCLI_AUTH for the probes.
 */
import { desired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, Consumer, ConnectionInfo } from "../component-type.ts";
import { componentNetworkPolicy, componentServiceAccount } from "../objects.ts";
import { execProbe, secretEnv, serverObjects, sizing, storageOf, tcpProbe } from "../server.ts";
import { componentSelector, serviceHost } from "../support.ts";

type Options = Extract<ComponentContext["options"], { type: "redis" }>;
type Ctx = ComponentContext<Options>;

export const REDIS_IMAGE = "redis:7.4.2";
const PORT = 6379;
const UID = 999;

const authSecret = (ctx: Ctx) => `${ctx.name}-auth`;

function offer(ctx: Ctx, _consumer: Consumer): ConnectionInfo {
  return {
    provider: ctx.name,
    type: "redis",
    host: serviceHost(ctx.name, ctx.namespace),
    port: PORT,
    password: { name: authSecret(ctx), key: "password" },
    url: `redis://:{password}@${serviceHost(ctx.name, ctx.namespace)}:${PORT}/0`,
    ports: [PORT],
    podLabels: componentSelector(ctx, "server"),
    namespace: ctx.namespace,
  };
}

function build(ctx: Ctx) {
  const image = ctx.options.image ?? REDIS_IMAGE;
  const password = secretEnv("REDIS_PASSWORD", authSecret(ctx), "password");
  return {
    resources: [
      desired(componentServiceAccount(ctx), ctx.origin),
      ...serverObjects(ctx, {
        role: "server",
        name: ctx.name,
        kind: "StatefulSet",
        replicas: 1,
        image,
        uid: UID,
        command: ["redis-server", "/config/redis.conf"],
        env: [secretEnv("REDISCLI_AUTH", authSecret(ctx), "password")],
        ports: [{ name: "redis", port: PORT }],
        probes: { liveness: tcpProbe("redis"), readiness: execProbe(["redis-cli", "ping"], { periodSeconds: 5 }) },
        resources: sizing(ctx, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } }),
        writablePaths: ["/tmp", "/config"],
        initContainers: [
          {
            name: "config",
            image,
            command: ["sh", "-c", 'printf "requirepass %s\\nappendonly yes\\ndir /data\\n" "$REDIS_PASSWORD" > /config/redis.conf'],
            env: [password],
            resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
          },
        ],
        storage: storageOf(ctx, ctx.options.storage, "/data"),
      }),
      desired(componentNetworkPolicy(ctx, [PORT]), ctx.origin),
    ],
    secrets: [{ name: authSecret(ctx), keys: ["password"], namespaces: [ctx.namespace, ...ctx.consumers.map((c) => c.namespace)], length: 32, origin: ctx.origin, group: ["components", ctx.name] }],
  };
}

export const redis: ComponentType<Options> = { type: "redis", offers: ["host", "port", "password", "url"], offer, build };
