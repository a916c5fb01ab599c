/**
 * redis — the official `redis` image with a password and append-only persistence. The password reaches redis through
 * a config file written by an init container (never through arguments, which any process can read), and redis-cli
 * reads it from REDISCLI_AUTH for the probes.
 */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, execProbe, secretEnv, serviceOffer, sharedSecret, sizing, storageOf, tcpProbe } from "../server.ts";
import { serviceHost } from "../support.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "redis" }>;
type Ctx = ComponentContext<Options>;

export const REDIS_IMAGE = "redis:7.4.2";
const PORT = 6379;
const UID = 999;

const authSecret = (ctx: Ctx) => `${ctx.name}-auth`;

const offer = (ctx: Ctx): ConnectionInfo =>
  serviceOffer(ctx, {
    type: "redis",
    port: PORT,
    url: `redis://:{password}@${serviceHost(ctx.name, ctx.namespace)}:${PORT}/0`,
    extra: { password: { name: authSecret(ctx), key: "password" } },
  });

function build(ctx: Ctx) {
  const image = componentImage(ctx, REDIS_IMAGE);
  const password = secretEnv("REDIS_PASSWORD", authSecret(ctx), "password");
  return assemble(ctx, {
    roles: [
      {
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
      },
    ],
    ports: [PORT],
    secrets: [sharedSecret(ctx, authSecret(ctx), ["password"])],
  });
}

export const redis: ComponentType<Options> = { type: "redis", offers: ["host", "port", "password", "url"], offer, build };
