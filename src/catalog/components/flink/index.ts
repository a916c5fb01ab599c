/**
 * flink — a session cluster from the official image. The entrypoint rewrites /opt/flink/conf from FLINK_PROPERTIES,
 * so that folder is a seeded writable copy; ports are fixed so the NetworkPolicy can name them.
 */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpProbe, serviceOffer, sizing, tcpProbe } from "../server.ts";
import { serviceHost } from "../support.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "flink" }>;
type Ctx = ComponentContext<Options>;

export const FLINK_IMAGE = "flink:1.20.1-scala_2.12-java17";
const PORTS = { rpc: 6123, blob: 6124, ui: 8081, tmRpc: 6122, tmData: 6121 } as const;

const jobmanager = (ctx: Ctx) => `${ctx.name}-jobmanager`;

const offer = (ctx: Ctx): ConnectionInfo =>
  serviceOffer(ctx, { type: "flink", service: jobmanager(ctx), port: PORTS.ui, ports: [PORTS.ui, PORTS.rpc, PORTS.blob], role: "jobmanager" });

export const flinkProperties = (ctx: Ctx): string =>
  [
    `jobmanager.rpc.address: ${serviceHost(jobmanager(ctx), ctx.namespace)}`,
    `jobmanager.rpc.port: ${PORTS.rpc}`,
    `blob.server.port: ${PORTS.blob}`,
    `rest.port: ${PORTS.ui}`,
    `taskmanager.rpc.port: ${PORTS.tmRpc}`,
    `taskmanager.data.port: ${PORTS.tmData}`,
    `taskmanager.numberOfTaskSlots: ${ctx.options.slots}`,
    "env.log.dir: /opt/flink/log",
  ].join("\n");

function build(ctx: Ctx) {
  const image = componentImage(ctx, FLINK_IMAGE);
  const env = [{ name: "FLINK_PROPERTIES", value: flinkProperties(ctx) }];
  const common = { kind: "Deployment" as const, image, uid: 9999, env, seededPaths: ["/opt/flink/conf"], writablePaths: ["/tmp", "/opt/flink/log"] };
  return assemble(ctx, {
    roles: [
      {
        ...common,
        role: "jobmanager",
        name: jobmanager(ctx),
        replicas: 1,
        args: ["jobmanager"],
        ports: [{ name: "rpc", port: PORTS.rpc }, { name: "blob", port: PORTS.blob }, { name: "ui", port: PORTS.ui }],
        probes: { startup: httpProbe("/", "ui", { periodSeconds: 5, failureThreshold: 60 }), liveness: tcpProbe("rpc"), readiness: httpProbe("/", "ui") },
        resources: sizing(ctx, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } }),
      },
      {
        ...common,
        role: "taskmanager",
        name: `${ctx.name}-taskmanager`,
        replicas: ctx.options.taskmanagers,
        args: ["taskmanager"],
        ports: [{ name: "rpc", port: PORTS.tmRpc }, { name: "data", port: PORTS.tmData }],
        probes: { liveness: tcpProbe("rpc"), readiness: tcpProbe("rpc", { periodSeconds: 5 }) },
        resources: sizing(ctx, { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } }),
        service: false,
        values: ["components", ctx.name, "taskmanager"],
      },
    ],
    ports: Object.values(PORTS),
  });
}

export const flink: ComponentType<Options> = { type: "flink", offers: ["host", "port", "url"], offer, build };
