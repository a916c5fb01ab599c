/**
 * Which api-version each endpoint accepts: for the types berth manages, exactly the versions in
 * src/resources/azure-types.ts (so berth cannot drift from its own table); other types any well-formed version.
 */
import { AZURE_API, AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { ArmError } from "./errors.ts";

const WELL_FORMED = /^\d{4}-\d{2}-\d{2}(-preview|-beta|-privatepreview)?$/;

/** Keys: an ARM type (lower-cased), or one of the read-only endpoint names of AZURE_API. */
const KNOWN = new Map<string, string[]>([
  ...Object.entries(AZURE_TYPES).map(([t, i]) => [t.toLowerCase(), [i.apiVersion]] as [string, string[]]),
  ...Object.entries(AZURE_API).map(([k, v]) => [k.toLowerCase(), [v]] as [string, string[]]),
]);
KNOWN.set("microsoft.resources/resources", [AZURE_TYPES["Microsoft.Resources/resourceGroups"]!.apiVersion]);

export function checkApiVersion(endpoint: string | undefined, given: string | null, extra: Readonly<Record<string, readonly string[]>> = {}): void {
  if (given === null || given === "") throw new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  if (endpoint === undefined) {
    if (!WELL_FORMED.test(given)) throw new ArmError(400, "InvalidApiVersionParameter", `The api-version '${given}' is invalid. The supported versions are of the form 'yyyy-mm-dd(-preview)'.`);
    return;
  }
  const key = endpoint.toLowerCase();
  const known = KNOWN.get(key);
  const extraFor = Object.entries(extra).find(([k]) => k.toLowerCase() === key)?.[1] ?? [];
  if (!known) return checkApiVersion(undefined, given);
  const supported = [...known, ...extraFor];
  if (supported.includes(given)) return;
  if (key.startsWith("microsoft.resources/") || key.startsWith("microsoft.authorization/") || !key.includes("/"))
    throw new ArmError(400, "InvalidApiVersionParameter", `The api-version '${given}' is invalid. The supported versions are '${supported.join(",")}'.`);
  throw new ArmError(400, "NoRegisteredProviderFound", `No registered resource provider found for location 'global' and API version '${given}' for type '${endpoint.split("/").slice(1).join("/")}'. The supported api-versions are '${supported.join(", ")}'.`);
}
