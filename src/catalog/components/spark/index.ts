/**
 * spark — a standalone cluster from the official apache/spark image. The master is a one-pod StatefulSet so it can
 * advertise a stable DNS name that resolves to its own address (a Service name would not be bindable); workers
 * register with that name.
 */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpProbe, serviceOffer, sizing, tcpProbe } from "../server.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "spark" }>;
type Ctx = ComponentContext<Options>;

export const SPARK_IMAGE = "apache/spark:3.5.4";
const RPC = 7077;
const MASTER_UI = 8080;
const WORKER_UI = 8081;

const master = (ctx: Ctx) => `${ctx.name}-master`;

/** "4g" → "4096Mi", plus extra MiB. */
export const toMi = (jvm: string, extraMi = 0): string => `${Number(jvm.slice(0, -1)) * (jvm.endsWith("g") ? 1024 : 1) + extraMi}Mi`;
export const masterUrl = (ctx: Ctx) => `spark://${master(ctx)}-0.${master(ctx)}-headless.${ctx.namespace}.svc.cluster.local:${RPC}`;

const offer = (ctx: Ctx): ConnectionInfo =>
  serviceOffer(ctx, { type: "spark", service: master(ctx), port: RPC, ports: [RPC, MASTER_UI], role: "master", url: masterUrl(ctx) });

function build(ctx: Ctx) {
  const image = componentImage(ctx, SPARK_IMAGE);
  const common = { image, uid: 185, writablePaths: ["/tmp", "/opt/spark/work", "/opt/spark/logs"], env: [{ name: "SPARK_NO_DAEMONIZE", value: "true" }] };
  return assemble(ctx, {
    roles: [
      {
        ...common,
        role: "master",
        name: master(ctx),
        kind: "StatefulSet",
        replicas: 1,
        command: ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.master.Master"],
        args: ["--host", `$(POD_NAME).${master(ctx)}-headless.${ctx.namespace}.svc.cluster.local`, "--port", String(RPC), "--webui-port", String(MASTER_UI)],
        env: [...common.env, { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
        ports: [{ name: "rpc", port: RPC }, { name: "ui", port: MASTER_UI }],
        probes: { liveness: tcpProbe("rpc"), readiness: httpProbe("/", "ui") },
        resources: sizing(ctx, { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } }),
      },
      {
        ...common,
        role: "worker",
        name: `${ctx.name}-worker`,
        kind: "Deployment",
        replicas: ctx.options.workers,
        command: ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.worker.Worker"],
        args: ["--cores", String(ctx.options.workerCores), "--memory", ctx.options.workerMemory, "--webui-port", String(WORKER_UI), masterUrl(ctx)],
        ports: [{ name: "ui", port: WORKER_UI }],
        probes: { liveness: tcpProbe("ui"), readiness: httpProbe("/", "ui") },
        // What the worker offers executors, plus room for the worker JVM itself.
        resources: sizing(ctx, { requests: { cpu: String(ctx.options.workerCores), memory: toMi(ctx.options.workerMemory) }, limits: { cpu: String(ctx.options.workerCores), memory: toMi(ctx.options.workerMemory, 2048) } }),
        service: false,
        values: ["components", ctx.name, "worker"],
      },
    ],
    ports: [RPC, MASTER_UI, WORKER_UI],
  });
}

export const spark: ComponentType<Options> = { type: "spark", offers: ["host", "port", "url"], offer, build };
