/**
 * Microsoft.DBforPostgreSQL flexible servers and Microsoft.Sql servers, with their databases. The service assigns the
 * FQDN; the admin password is required on create, write-only, and never returned; reserved admin names are refused.
 */
import { badRequest } from "../errors.ts";
import type { TypeBehaviour, WriteContext } from "../world.ts";

const PASSWORD = "properties.administratorLoginPassword";

function adminCheck(ctx: WriteContext, reserved: readonly string[], reservedPrefix: RegExp | undefined, passwordOptional: boolean): void {
  const p = ctx.body.properties ?? {};
  if (ctx.prev) {
    if (p.administratorLogin !== undefined && String(p.administratorLogin) !== String(ctx.prev.properties?.administratorLogin ?? ""))
      throw badRequest("InvalidParameterValue", "Invalid value given for parameter administratorLogin: the administrator login cannot be changed after the server is created.");
    return;
  }
  if (passwordOptional) return;
  if (!p.administratorLogin) throw badRequest("InvalidParameterValue", "Invalid value given for parameter administratorLogin. Specify a valid parameter value.");
  const login = String(p.administratorLogin);
  if (reserved.includes(login.toLowerCase()) || reservedPrefix?.test(login))
    throw badRequest("InvalidParameterValue", `Invalid value given for parameter administratorLogin: '${login}' is a reserved name. It can't be one of ${reserved.join(", ")}${reservedPrefix ? " or start with pg_" : ""}.`);
  if (!p.administratorLoginPassword) throw badRequest("InvalidParameterValue", "Invalid value given for parameter administratorLoginPassword. Specify a valid parameter value.");
}

const PG_RESERVED = ["azure_superuser", "azuresu", "azure_pg_admin", "admin", "administrator", "root", "guest", "public"];
const SQL_RESERVED = ["admin", "administrator", "sa", "root", "dbmanager", "loginmanager", "dbo", "guest", "public"];

export const flexibleServers: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 4 * 60_000,
  writeOnly: [PASSWORD],
  validate: (ctx) => adminCheck(ctx, PG_RESERVED, /^pg_/i, ctx.body.properties?.authConfig?.passwordAuth === "Disabled"),
  assign(ctx, res) {
    const p = res.properties;
    if (ctx.prev) p.administratorLogin = ctx.prev.properties?.administratorLogin;
    p.fullyQualifiedDomainName = `${ctx.name.toLowerCase()}.postgres.database.azure.com`;
    p.version ??= "16";
    p.state = "Ready";
  },
};

export const postgresDatabases: TypeBehaviour = {
  tracked: false,
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 30_000,
  assign(_ctx, res) {
    res.properties.charset ??= "UTF8";
    res.properties.collation ??= "en_US.utf8";
  },
};

export const sqlServers: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 60_000,
  writeOnly: [PASSWORD],
  validate: (ctx) => adminCheck(ctx, SQL_RESERVED, undefined, ctx.body.properties?.administrators?.azureADOnlyAuthentication === true),
  assign(ctx, res) {
    const p = res.properties;
    if (ctx.prev) p.administratorLogin = ctx.prev.properties?.administratorLogin;
    p.fullyQualifiedDomainName = `${ctx.name.toLowerCase()}.database.windows.net`;
    p.version ??= "12.0";
    p.state = "Ready";
  },
};

export const sqlDatabases: TypeBehaviour = {
  // Unlike most children, a SQL database is a tracked resource: it has a location and tags of its own.
  tracked: true,
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 2 * 60_000,
  assign(ctx, res) {
    res.properties.status = "Online";
    res.properties.databaseId = ctx.prev?.properties?.databaseId ?? crypto.randomUUID();
    res.properties.currentServiceObjectiveName = res.sku?.name ?? "GP_S_Gen5_1";
  },
};
