/** ARM and Entra errors as data: a status, a stable code, a message, thrown by handlers and answered by the router. */
import type { Json } from "./types.ts";

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly details?: readonly { code: string; message: string }[],
  ) {
    super(message);
  }

  body(): Json {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const notFound = (type: string, name: string, resourceGroup?: string): ArmError =>
  new ArmError(404, "ResourceNotFound", `The Resource '${type}/${name}' under resource group '${resourceGroup ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

export const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);

export const conflict = (code: string, message: string): ArmError => new ArmError(409, code, message);
