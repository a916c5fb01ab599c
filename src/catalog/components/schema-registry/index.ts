/** schema-registry — Confluent Schema Registry backed by the connected kafka's `_schemas` topic. */
import { desired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { componentNetworkPolicy, componentServiceAccount } from "../objects.ts";
import { httpProbe, serverObjects, sizing } from "../server.ts";
import { componentSelector, serviceHost } from "../support.ts";

type Options = Extract<ComponentContext["options"], { type: "schema-registry" }>;
type Ctx = ComponentContext<Options>;

export const SCHEMA_REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.8.0";
const HTTP = 8085;

const offer = (ctx: Ctx): ConnectionInfo => ({
  provider: ctx.name,
  type: "schema-registry",
  host: serviceHost(ctx.name, ctx.namespace),
  port: HTTP,
  url: `http://${serviceHost(ctx.name, ctx.namespace)}:${HTTP}`,
  ports: [HTTP],
  podLabels: componentSelector(ctx, "server"),
  namespace: ctx.namespace,
});

function build(ctx: Ctx) {
  const kafka = ctx.connections.find((c) => c.type === "kafka")!;
  return {
    resources: [
      desired(componentServiceAccount(ctx), ctx.origin),
      ...serverObjects(ctx, {
        role: "server",
        name: ctx.name,
        kind: "Deployment",
        replicas: ctx.options.replicas,
        image: ctx.options.image ?? SCHEMA_REGISTRY_IMAGE,
        uid: 1000,
        env: [
          { name: "SCHEMA_REGISTRY_HOST_NAME", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          { name: "SCHEMA_REGISTRY_LISTENERS", value: `http://0.0.0.0:${HTTP}` },
          { name: "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", value: `PLAINTEXT://${kafka.host}:${kafka.port}` },
        ],
        ports: [{ name: "http", port: HTTP }],
        probes: {
          startup: httpProbe("/", "http", { periodSeconds: 5, failureThreshold: 60 }),
          liveness: httpProbe("/", "http", { periodSeconds: 20 }),
          readiness: httpProbe("/subjects", "http"),
        },
        resources: sizing(ctx, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } }),
        seededPaths: ["/etc/schema-registry"],
      }),
      desired(componentNetworkPolicy(ctx, [HTTP]), ctx.origin),
    ],
    secrets: [],
  };
}

export const schemaRegistry: ComponentType<Options> = { type: "schema-registry", requires: ["kafka"], offers: ["host", "port", "url"], offer, build };
