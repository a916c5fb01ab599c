/**
 * nessie — the Nessie server with the JDBC version store on the postgresql it connects to (its own database and
 * user). Health is served on the Quarkus management port.
 */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { assemble, httpProbe, secretEnv, serviceOffer, sizing, userEnv } from "../server.ts";
import { serviceHost } from "../support.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "nessie" }>;
type Ctx = ComponentContext<Options>;

export const NESSIE_IMAGE = "ghcr.io/projectnessie/nessie:0.101.3";
const HTTP = 19120;
const MANAGEMENT = 9000;

const offer = (ctx: Ctx): ConnectionInfo => serviceOffer(ctx, { type: "nessie", port: HTTP, url: `http://${serviceHost(ctx.name, ctx.namespace)}:${HTTP}/api/v2` });

function build(ctx: Ctx) {
  const db = ctx.connections.find((c) => c.type === "postgresql" || c.type === "external-postgresql")!;
  return assemble(ctx, {
    roles: [
      {
        role: "server",
        name: ctx.name,
        kind: "Deployment",
        replicas: ctx.options.replicas,
        image: componentImage(ctx, NESSIE_IMAGE),
        uid: 10000,
        env: [
          { name: "NESSIE_VERSION_STORE_TYPE", value: "JDBC2" },
          { name: "NESSIE_VERSION_STORE_PERSIST_JDBC_DATASOURCE", value: "postgresql" },
          { name: "QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL", value: `jdbc:postgresql://${db.host}:${db.port}/${db.database}${db.sslmode ? `?sslmode=${db.sslmode}` : ""}` },
          userEnv("QUARKUS_DATASOURCE_POSTGRESQL_USERNAME", db),
          secretEnv("QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD", db.password!.name, db.password!.key),
        ],
        ports: [{ name: "http", port: HTTP }, { name: "management", port: MANAGEMENT }],
        probes: {
          startup: httpProbe("/q/health/started", "management", { failureThreshold: 30, periodSeconds: 5 }),
          liveness: httpProbe("/q/health/live", "management"),
          readiness: httpProbe("/q/health/ready", "management"),
        },
        resources: sizing(ctx, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } }),
      },
    ],
    ports: [HTTP],
  });
}

export const nessie: ComponentType<Options> = { type: "nessie", requires: ["postgresql"], offers: ["host", "port", "url"], offer, build };
