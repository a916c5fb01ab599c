/**
 * kafka — apache/kafka in KRaft combined mode. The cluster id is derived from the platform and component names, so
 * it is the same on every start and every build; storage is formatted with --ignore-formatted, so a restart never
 * reformats (the seed 002 defect formatted with a new random id on every start). Each broker's node id is its
 * StatefulSet ordinal; the start script is one argument to sh, not a chain of line continuations.
 */
import { createHash } from "node:crypto";
import { desired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, serviceOffer, sizing, storageOf, tcpProbe } from "../server.ts";
import { componentLabels, serviceHost } from "../support.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "kafka" }>;
type Ctx = ComponentContext<Options>;

export const KAFKA_IMAGE = "apache/kafka:3.9.0";
const BROKER = 9092;
const CONTROLLER = 9093;
const DATA = "/var/lib/kafka/data";

/** A KRaft cluster id: 16 bytes, base64url without padding (what kafka-storage.sh random-uuid prints). */
export const clusterId = (platform: string, name: string): string =>
  createHash("sha256").update(`berth/${platform}/${name}`).digest().subarray(0, 16).toString("base64url");

const headless = (ctx: Ctx) => `${ctx.name}-headless.${ctx.namespace}.svc.cluster.local`;

export function serverProperties(ctx: Ctx): string {
  const n = ctx.options.replicas;
  const voters = Array.from({ length: n }, (_, i) => `${i}@${ctx.name}-${i}.${headless(ctx)}:${CONTROLLER}`).join(",");
  const rf = Math.min(3, n);
  return [
    "process.roles=broker,controller",
    "node.id=__NODE_ID__",
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://:${BROKER},CONTROLLER://:${CONTROLLER}`,
    `advertised.listeners=PLAINTEXT://__POD__.${headless(ctx)}:${BROKER}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${DATA}`,
    `num.partitions=${ctx.options.partitions}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${Math.min(2, rf)}`,
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${Math.min(2, rf)}`,
    "",
  ].join("\n");
}

export const START_SCRIPT = [
  "set -e",
  "mkdir -p /tmp/kafka",
  'sed -e "s/__NODE_ID__/${HOSTNAME##*-}/" -e "s/__POD__/${HOSTNAME}/" /config/server.properties > /tmp/kafka/server.properties',
  '/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" --config /tmp/kafka/server.properties',
  "exec /opt/kafka/bin/kafka-server-start.sh /tmp/kafka/server.properties",
].join("; ");

const offer = (ctx: Ctx): ConnectionInfo =>
  serviceOffer(ctx, { type: "kafka", port: BROKER, role: "broker", url: `${serviceHost(ctx.name, ctx.namespace)}:${BROKER}` });

function build(ctx: Ctx) {
  const config = `${ctx.name}-config`;
  return assemble(ctx, {
    extra: [desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: config, namespace: ctx.namespace, labels: componentLabels(ctx, "broker") }, data: { "server.properties": serverProperties(ctx) } }, ctx.origin)],
    roles: [
      {
        role: "broker",
        name: ctx.name,
        kind: "StatefulSet",
        replicas: ctx.options.replicas,
        image: componentImage(ctx, KAFKA_IMAGE),
        uid: 1000,
        command: ["sh", "-c", START_SCRIPT],
        env: [
          { name: "CLUSTER_ID", value: clusterId(ctx.platform.metadata.name, ctx.name) },
          { name: "LOG_DIR", value: "/tmp/kafka-logs" },
          { name: "KAFKA_HEAP_OPTS", value: "-Xms512m -Xmx512m" },
        ],
        ports: [{ name: "kafka", port: BROKER }, { name: "controller", port: CONTROLLER }],
        probes: {
          startup: tcpProbe("kafka", { periodSeconds: 5, failureThreshold: 60 }),
          liveness: tcpProbe("controller"),
          readiness: tcpProbe("kafka", { periodSeconds: 5 }),
        },
        resources: sizing(ctx, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } }),
        volumeMounts: [{ name: "config", mountPath: "/config", readOnly: true }],
        volumes: [{ name: "config", configMap: { name: config } }],
        storage: storageOf(ctx, ctx.options.storage, DATA),
      },
    ],
    ports: [BROKER, CONTROLLER],
  });
}

export const kafka: ComponentType<Options> = { type: "kafka", offers: ["host", "port", "url"], offer, build };
