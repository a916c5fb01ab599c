/**
 * Failures of the workspace-artifact kinds (init scripts, notebooks, secret scopes, permissions): refusals berth
 * decides itself, and the workspace's last error per resource, which `explain` repeats.
 */
import { ProviderRequestFailed } from "../provider.ts";
import { DatabricksRequestError, type DatabricksApi } from "./api.ts";

/**
 * Something berth will not do (a changed source file, a scope whose backend cannot change). It carries a status so
 * the engine reports a failure, not an unknown outcome: nothing was written when it is thrown.
 */
export const refused = (message: string, status = 400): ProviderRequestFailed => new ProviderRequestFailed(message, status);

/** Per workspace client, the last request the workspace refused for each resource (kind + key). */
const lastErrors = new WeakMap<DatabricksApi, Map<string, DatabricksRequestError>>();

const keyOf = (resource: { readonly kind: string; readonly key: string }): string => `${resource.kind} ${resource.key}`;

/** Runs `work`, remembering a DatabricksRequestError it throws for `explain`; the error is rethrown as is. */
export async function remembering<T>(api: DatabricksApi, resource: { readonly kind: string; readonly key: string }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DatabricksRequestError) {
      const byKey = lastErrors.get(api) ?? new Map<string, DatabricksRequestError>();
      byKey.set(keyOf(resource), error);
      lastErrors.set(api, byKey);
    }
    throw error;
  }
}

/** The lines `explain` gives: the workspace's error_code and message of the last refused request, if any. */
export function lastErrorLines(api: DatabricksApi, resource: { readonly kind: string; readonly key: string }): string[] {
  const error = lastErrors.get(api)?.get(keyOf(resource));
  if (!error) return [];
  return [`last request refused by the workspace: ${error.operation}: ${error.status ?? "no answer"}${error.errorCode ? ` ${error.errorCode}` : ""}: ${error.serverMessage}`];
}
