/** minio — single-node MinIO; consumers get the S3 endpoint and the root credentials by reference. */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpProbe, secretEnv, serviceOffer, sharedSecret, sizing, storageOf } from "../server.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "minio" }>;
type Ctx = ComponentContext<Options>;

export const MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
const API = 9000;
const CONSOLE = 9001;
const root = (ctx: Ctx) => `${ctx.name}-root`;

const offer = (ctx: Ctx): ConnectionInfo =>
  serviceOffer(ctx, { type: "minio", port: API, extra: { userRef: { name: root(ctx), key: "user" }, password: { name: root(ctx), key: "password" } } });

function build(ctx: Ctx) {
  return assemble(ctx, {
    roles: [
      {
        role: "server",
        name: ctx.name,
        kind: "StatefulSet",
        replicas: 1,
        image: componentImage(ctx, MINIO_IMAGE),
        uid: 1000,
        command: ["minio", "server", "/data", "--address", `:${API}`, "--console-address", `:${CONSOLE}`, "--certs-dir", "/tmp/certs"],
        env: [secretEnv("MINIO_ROOT_USER", root(ctx), "user"), secretEnv("MINIO_ROOT_PASSWORD", root(ctx), "password")],
        ports: [{ name: "api", port: API }, { name: "console", port: CONSOLE }],
        probes: { liveness: httpProbe("/minio/health/live", "api"), readiness: httpProbe("/minio/health/ready", "api") },
        resources: sizing(ctx, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } }),
        storage: storageOf(ctx, ctx.options.storage, "/data"),
      },
    ],
    ports: [API, CONSOLE],
    secrets: [sharedSecret(ctx, root(ctx), ["user", "password"])],
  });
}

export const minio: ComponentType<Options> = { type: "minio", offers: ["host", "port", "user", "password", "url"], offer, build };
