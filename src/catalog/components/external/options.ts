import { z } from "zod";
import * as f from "../../../spec/formats.ts";
import { AzureRef } from "../../../spec/azure-schema.ts";
import { DataKey, formatted, Name, ObjectName, PortNumber } from "../../../spec/schema-parts.ts";

const Credentials = z
  .strictObject({
    secret: ObjectName.describe("A secret declared under spec.secrets."),
    userKey: DataKey.default("username"),
    passwordKey: DataKey.default("password"),
  })
  .describe("Where the login lives: a pre-existing secret and its keys.");

const external = <T extends string>(type: T, port: number, description: string) =>
  z
    .strictObject({
      type: z.literal(type),
      namespace: Name.optional(),
      connects: z.array(Name).max(0).default([]).describe("External services connect to nothing."),
      host: z.union([formatted(f.hostname), AzureRef]).describe("Server name, e.g. myserver.postgres.database.azure.com, or { from: azure.postgres.<name>, value: fqdn }."),
      port: PortNumber.default(port),
      database: z.string().min(1).max(63).describe("Database the consumers use."),
      sslmode: z.enum(["disable", "require", "verify-ca", "verify-full"]).default("require"),
      credentials: Credentials,
      cidrs: z
        .array(formatted(f.cidr))
        .optional()
        .describe("Address ranges the server is reached at (its VNet subnet or private endpoint); default: any address on its port."),
    })
    .describe(description);

export const ExternalPostgresqlOptions = external("external-postgresql", 5432, "A PostgreSQL server outside the cluster (Azure Database for PostgreSQL Flexible Server) standing in for a postgresql component.");
export const ExternalSqlserverOptions = external("external-sqlserver", 1433, "A SQL Server outside the cluster (Azure SQL Database) that components and apps connect to.");
