/**
 * trino — coordinator and workers from one image, each with its own /etc/trino (config, JVM flags, node properties)
 * and a shared catalog folder built from connections. Credentials reach catalog files as ${ENV:…} references, never
 * as values.
 */
import { desired, type KubeDesired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpProbe, secretEnv, type ServerRole, serviceOffer, sizing, userEnv } from "../server.ts";
import { componentLabels, serviceHost } from "../support.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "trino" }>;
type Ctx = ComponentContext<Options>;

export const TRINO_IMAGE = "trinodb/trino:470";
const HTTP = 8080;

const JVM = [
  "-server",
  "-XX:InitialRAMPercentage=50",
  "-XX:MaxRAMPercentage=75",
  "-XX:G1HeapRegionSize=32M",
  "-XX:+ExplicitGCInvokesConcurrent",
  "-XX:+ExitOnOutOfMemoryError",
  "-XX:-OmitStackTraceInFastThrow",
  "-XX:ReservedCodeCacheSize=512M",
  "-XX:PerMethodRecompilationCutoff=10000",
  "-XX:PerBytecodeRecompilationCutoff=10000",
  "-Djdk.attach.allowAttachSelf=true",
  "-Djdk.nio.maxCachedBufferSize=2000000",
  "-Dfile.encoding=UTF-8",
  "-XX:+EnableDynamicAgentLoading",
  "",
].join("\n");

const offer = (ctx: Ctx): ConnectionInfo => serviceOffer(ctx, { type: "trino", port: HTTP, role: "coordinator" });

/** Catalog files and the env they read, derived from what trino connects to. */
export function catalogs(ctx: Ctx): { files: Record<string, string>; env: ReturnType<typeof secretEnv>[] } {
  const files: Record<string, string> = { "tpch.properties": "connector.name=tpch\n" };
  const env: ReturnType<typeof secretEnv>[] = [];
  const nessie = ctx.connections.find((c) => c.type === "nessie");
  const minio = ctx.connections.find((c) => c.type === "minio");
  if (nessie && minio) {
    env.push(secretEnv("S3_ACCESS_KEY", minio.userRef!.name, minio.userRef!.key), secretEnv("S3_SECRET_KEY", minio.password!.name, minio.password!.key));
    files["iceberg.properties"] = [
      "connector.name=iceberg",
      "iceberg.catalog.type=nessie",
      `iceberg.nessie-catalog.uri=${nessie.url}`,
      "iceberg.nessie-catalog.default-warehouse-dir=s3://warehouse/",
      "fs.native-s3.enabled=true",
      `s3.endpoint=${minio.url}`,
      "s3.path-style-access=true",
      "s3.region=us-east-1",
      "s3.aws-access-key=${ENV:S3_ACCESS_KEY}",
      "s3.aws-secret-key=${ENV:S3_SECRET_KEY}",
      "",
    ].join("\n");
  }
  for (const pg of ctx.connections.filter((c) => c.type === "postgresql" || c.type === "external-postgresql")) {
    const prefix = pg.provider.toUpperCase().replace(/-/g, "_");
    env.push(secretEnv(`${prefix}_PASSWORD`, pg.password!.name, pg.password!.key));
    if (pg.userRef) env.push(userEnv(`${prefix}_USER`, pg));
    files[`${pg.provider}.properties`] = [
      "connector.name=postgresql",
      `connection-url=jdbc:postgresql://${pg.host}:${pg.port}/${pg.database}${pg.sslmode ? `?sslmode=${pg.sslmode}` : ""}`,
      `connection-user=${pg.userRef ? `\${ENV:${prefix}_USER}` : pg.user}`,
      `connection-password=\${ENV:${prefix}_PASSWORD}`,
      "",
    ].join("\n");
  }
  return { files, env };
}

function roleConfig(ctx: Ctx, coordinator: boolean): Record<string, string> {
  const discovery = `http://${serviceHost(ctx.name, ctx.namespace)}:${HTTP}`;
  return {
    "config.properties": [
      `coordinator=${coordinator}`,
      ...(coordinator ? [`node-scheduler.include-coordinator=${ctx.options.workers === 0}`] : []),
      `http-server.http.port=${HTTP}`,
      `discovery.uri=${discovery}`,
      "",
    ].join("\n"),
    "node.properties": "node.environment=berth\nnode.data-dir=/data/trino\nplugin.dir=/usr/lib/trino/plugin\n",
    "jvm.config": JVM,
    "log.properties": "io.trino=INFO\n",
  };
}

function build(ctx: Ctx) {
  const image = componentImage(ctx, TRINO_IMAGE);
  const { files, env } = catalogs(ctx);
  const configMap = (name: string, role: string, data: Record<string, string>): KubeDesired =>
    desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx, role) }, data }, ctx.origin);
  const role = (r: "coordinator" | "worker"): ServerRole => {
    const coordinator = r === "coordinator";
    return {
      role: r,
      name: coordinator ? ctx.name : `${ctx.name}-worker`,
      kind: "Deployment",
      replicas: coordinator ? 1 : ctx.options.workers,
      image,
      uid: 1000,
      env,
      ports: [{ name: "http", port: HTTP }],
      probes: {
        startup: httpProbe("/v1/info", "http", { periodSeconds: 5, failureThreshold: 60 }),
        liveness: httpProbe("/v1/info", "http", { periodSeconds: 20 }),
        readiness: httpProbe("/v1/info", "http"),
      },
      resources: sizing(ctx, { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } }),
      writablePaths: ["/tmp", "/data/trino"],
      volumeMounts: [
        { name: "config", mountPath: "/etc/trino", readOnly: true },
        { name: "catalog", mountPath: "/etc/trino/catalog", readOnly: true },
      ],
      volumes: [
        { name: "config", configMap: { name: `${ctx.name}-${r}-config` } },
        { name: "catalog", configMap: { name: `${ctx.name}-catalog` } },
      ],
      service: coordinator,
      values: coordinator ? ["components", ctx.name] : ["components", ctx.name, "worker"],
    };
  };
  return assemble(ctx, {
    extra: [
      configMap(`${ctx.name}-coordinator-config`, "coordinator", roleConfig(ctx, true)),
      configMap(`${ctx.name}-worker-config`, "worker", roleConfig(ctx, false)),
      configMap(`${ctx.name}-catalog`, "coordinator", files),
    ],
    roles: [role("coordinator"), ...(ctx.options.workers > 0 ? [role("worker")] : [])],
    ports: [HTTP],
  });
}

export const trino: ComponentType<Options> = { type: "trino", offers: ["host", "port", "url"], offer, build };
