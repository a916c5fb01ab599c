/**
 * clickhouse — the official server image. Its entrypoint writes users.d/config.d at start, so those folders are
 * seeded writable copies; the password for the default user comes from a generated secret.
 */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpProbe, secretEnv, serviceOffer, sharedSecret, sizing, storageOf } from "../server.ts";
import { serviceHost } from "../support.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "clickhouse" }>;
type Ctx = ComponentContext<Options>;

export const CLICKHOUSE_IMAGE = "clickhouse/clickhouse-server:24.8.14.39";
const HTTP = 8123;
const NATIVE = 9000;
const auth = (ctx: Ctx) => `${ctx.name}-auth`;

const offer = (ctx: Ctx): ConnectionInfo =>
  serviceOffer(ctx, {
    type: "clickhouse",
    port: HTTP,
    ports: [HTTP, NATIVE],
    url: `http://default:{password}@${serviceHost(ctx.name, ctx.namespace)}:${HTTP}`,
    extra: { user: "default", password: { name: auth(ctx), key: "password" } },
  });

function build(ctx: Ctx) {
  return assemble(ctx, {
    roles: [
      {
        role: "server",
        name: ctx.name,
        kind: "StatefulSet",
        replicas: 1,
        image: componentImage(ctx, CLICKHOUSE_IMAGE),
        uid: 101,
        env: [{ name: "CLICKHOUSE_USER", value: "default" }, secretEnv("CLICKHOUSE_PASSWORD", auth(ctx), "password"), { name: "CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", value: "1" }],
        ports: [{ name: "http", port: HTTP }, { name: "native", port: NATIVE }],
        probes: {
          startup: httpProbe("/ping", "http", { failureThreshold: 30, periodSeconds: 5 }),
          liveness: httpProbe("/ping", "http"),
          readiness: httpProbe("/ping", "http", { periodSeconds: 5 }),
        },
        resources: sizing(ctx, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } }),
        writablePaths: ["/tmp", "/var/log/clickhouse-server"],
        seededPaths: ["/etc/clickhouse-server/config.d", "/etc/clickhouse-server/users.d"],
        storage: storageOf(ctx, ctx.options.storage, "/var/lib/clickhouse"),
      },
    ],
    ports: [HTTP, NATIVE],
    secrets: [sharedSecret(ctx, auth(ctx), ["password"])],
  });
}

export const clickhouse: ComponentType<Options> = { type: "clickhouse", offers: ["host", "port", "user", "password", "url"], offer, build };
