/** minio — single-node MinIO; consumers get the S3 endpoint and the root credentials by reference. */
import { desired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { componentNetworkPolicy, componentServiceAccount } from "../objects.ts";
import { httpProbe, secretEnv, serverObjects, sizing, storageOf } from "../server.ts";
import { componentSelector, serviceHost } from "../support.ts";

type Options = Extract<ComponentContext["options"], { type: "minio" }>;
type Ctx = ComponentContext<Options>;

export const MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
const API = 9000;
const CONSOLE = 9001;
const root = (ctx: Ctx) => `${ctx.name}-root`;

const offer = (ctx: Ctx): ConnectionInfo => ({
  provider: ctx.name,
  type: "minio",
  host: serviceHost(ctx.name, ctx.namespace),
  port: API,
  userRef: { name: root(ctx), key: "user" },
  password: { name: root(ctx), key: "password" },
  url: `http://${serviceHost(ctx.name, ctx.namespace)}:${API}`,
  ports: [API],
  podLabels: componentSelector(ctx, "server"),
  namespace: ctx.namespace,
});

function build(ctx: Ctx) {
  return {
    resources: [
      desired(componentServiceAccount(ctx), ctx.origin),
      ...serverObjects(ctx, {
        role: "server",
        name: ctx.name,
        kind: "StatefulSet",
        replicas: 1,
        image: ctx.options.image ?? MINIO_IMAGE,
        uid: 1000,
        command: ["minio", "server", "/data", "--address", `:${API}`, "--console-address", `:${CONSOLE}`, "--certs-dir", "/tmp/certs"],
        env: [secretEnv("MINIO_ROOT_USER", root(ctx), "user"), secretEnv("MINIO_ROOT_PASSWORD", root(ctx), "password")],
        ports: [{ name: "api", port: API }, { name: "console", port: CONSOLE }],
        probes: { liveness: httpProbe("/minio/health/live", "api"), readiness: httpProbe("/minio/health/ready", "api") },
        resources: sizing(ctx, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } }),
        storage: storageOf(ctx, ctx.options.storage, "/data"),
      }),
      desired(componentNetworkPolicy(ctx, [API, CONSOLE]), ctx.origin),
    ],
    secrets: [
      { name: root(ctx), keys: ["user", "password"], namespaces: [ctx.namespace, ...ctx.consumers.map((c) => c.namespace)], length: 32, origin: ctx.origin, group: ["components", ctx.name] },
    ],
  };
}

export const minio: ComponentType<Options> = { type: "minio", offers: ["host", "port", "user", "password", "url"], offer, build };
