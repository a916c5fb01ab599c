/**
 * external-postgresql / external-sqlserver — servers outside the cluster. berth renders nothing for them; consumers
 * get host, port, database and the login by reference, and egress to the server's address ranges on its port.
 */
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { azureRefValue } from "../../azure/ids.ts";

type Options = Extract<ComponentContext["options"], { type: "external-postgresql" | "external-sqlserver" }>;
type Ctx = ComponentContext<Options>;

const offer = (ctx: Ctx): ConnectionInfo => {
  const o = ctx.options;
  const postgres = o.type === "external-postgresql";
  const host = typeof o.host === "string" ? o.host : azureRefValue(ctx.platform.spec.azure!, o.host);
  return {
    provider: ctx.name,
    type: o.type,
    host,
    port: o.port,
    database: o.database,
    userRef: { name: o.credentials.secret, key: o.credentials.userKey },
    password: { name: o.credentials.secret, key: o.credentials.passwordKey },
    sslmode: o.sslmode,
    url: postgres
      ? `postgresql://{user}:{password}@${host}:${o.port}/${o.database}?sslmode=${o.sslmode}`
      : `mssql://{user}:{password}@${host}:${o.port}/${o.database}?encrypt=${o.sslmode !== "disable"}`,
    ports: [o.port],
    cidrs: o.cidrs ?? ["0.0.0.0/0"],
    namespace: ctx.namespace,
  };
};

const build = () => ({ resources: [], secrets: [] });

export const externalPostgresql: ComponentType<Options> = { type: "external-postgresql", offers: ["host", "port", "database", "user", "password", "url"], offer, build };
export const externalSqlserver: ComponentType<Options> = { type: "external-sqlserver", offers: ["host", "port", "database", "user", "password", "url"], offer, build };
