/** schema-registry — Confluent Schema Registry backed by the connected kafka's `_schemas` topic. */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpHealth, serviceOffer, sizing } from "../server.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "schema-registry" }>;
type Ctx = ComponentContext<Options>;

export const SCHEMA_REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.8.0";
const HTTP = 8085;

const offer = (ctx: Ctx): ConnectionInfo => serviceOffer(ctx, { type: "schema-registry", port: HTTP });

function build(ctx: Ctx) {
  const kafka = ctx.connections.find((c) => c.type === "kafka")!;
  return assemble(ctx, {
    roles: [
      {
        role: "server",
        name: ctx.name,
        kind: "Deployment",
        replicas: ctx.options.replicas,
        image: componentImage(ctx, SCHEMA_REGISTRY_IMAGE),
        uid: 1000,
        env: [
          { name: "SCHEMA_REGISTRY_HOST_NAME", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          { name: "SCHEMA_REGISTRY_LISTENERS", value: `http://0.0.0.0:${HTTP}` },
          { name: "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", value: `PLAINTEXT://${kafka.host}:${kafka.port}` },
        ],
        ports: [{ name: "http", port: HTTP }],
        probes: httpHealth("/", "http", "/subjects"),
        resources: sizing(ctx, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } }),
        seededPaths: ["/etc/schema-registry"],
      },
    ],
    ports: [HTTP],
  });
}

export const schemaRegistry: ComponentType<Options> = { type: "schema-registry", requires: ["kafka"], offers: ["host", "port", "url"], offer, build };
