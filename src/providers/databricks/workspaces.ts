/**
 * Where a workspace is and how berth talks to it: its URL from the spec, else from ARM (`properties.workspaceUrl` of
 * its resource id, through the Azure provider); one client per workspace and sign-in, made on first use and kept for
 * the run. A workspace whose URL cannot be known yet — ARM has no such workspace, or the URL is an output of a step
 * not run yet — is `undefined`, never cached, so the step that creates it makes it known.
 */
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { DatabricksWorkspaceRef } from "../../resources/databricks-resource.ts";
import { outputRefsIn } from "../../resources/outputs.ts";
import type { Clock } from "../../util/clock.ts";
import type { RetryPolicy } from "../../util/retry.ts";
import type { Env } from "../azure/credential.ts";
import type { Redactor } from "../kubernetes/redact.ts";
import type { Progress } from "../provider.ts";
import { signInFor } from "./auth.ts";
import type { AzureAccess } from "./azure-access.ts";
import { DatabricksClient, workspaceBase } from "./client.ts";

const WORKSPACES = "Microsoft.Databricks/workspaces";

export interface WorkspaceOptions {
  readonly azure?: AzureAccess;
  readonly clock: Clock;
  readonly httpClient: HttpClient;
  readonly retry?: RetryPolicy;
  readonly redactor: Redactor;
  readonly env: Env;
}

const known = (value: string | undefined): value is string => typeof value === "string" && value !== "" && outputRefsIn(value).length === 0;

/** How a workspace is named in the table of seen ones: the spec's name and where it is. */
export const workspaceKey = (ref: DatabricksWorkspaceRef): string => `${ref.name} ${known(ref.url) ? ref.url : ""} ${known(ref.resourceId) ? ref.resourceId.toLowerCase() : ""}`;

export class Workspaces {
  readonly #hosts = new Map<string, string>();
  readonly #clients = new Map<string, DatabricksClient>();

  constructor(readonly options: WorkspaceOptions) {}

  /** The workspace URL, or undefined while it cannot be known (not created yet). */
  async host(ref: DatabricksWorkspaceRef, progress?: Progress): Promise<string | undefined> {
    if (known(ref.url)) return workspaceBase(ref.url);
    if (!known(ref.resourceId)) return undefined;
    const cached = this.#hosts.get(ref.resourceId.toLowerCase());
    if (cached) return cached;
    if (!this.options.azure) throw new Error(`Databricks workspace ${ref.name}: its URL is read from ARM (${ref.resourceId}), which needs the Azure section (spec.azure); or give its url`);
    const url = (await this.options.azure.properties(ref.resourceId, WORKSPACES, progress))?.workspaceUrl;
    if (typeof url !== "string" || !url) return undefined;
    const host = workspaceBase(url);
    this.#hosts.set(ref.resourceId.toLowerCase(), host);
    return host;
  }

  /** The workspace's client, or undefined while its URL cannot be known. */
  async client(ref: DatabricksWorkspaceRef, progress?: Progress): Promise<DatabricksClient | undefined> {
    const host = await this.host(ref, progress);
    if (!host) return undefined;
    const key = JSON.stringify([host, ref.resourceId ?? "", ref.auth]);
    let client = this.#clients.get(key);
    if (!client) {
      // An ARM id still holding an output token names no workspace yet: no management headers for it.
      const { resourceId, ...rest } = ref;
      const resolved: DatabricksWorkspaceRef = { ...rest, url: host, ...(known(resourceId) ? { resourceId } : {}) };
      const o = this.options;
      const signIn = signInFor({ workspace: resolved, host, ...(o.azure ? { azure: o.azure } : {}), clock: o.clock, httpClient: o.httpClient, redactor: o.redactor, env: o.env });
      client = new DatabricksClient({ workspace: resolved, host, signIn, redactor: o.redactor, clock: o.clock, httpClient: o.httpClient, ...(o.retry ? { retry: o.retry } : {}), ...(o.azure ? { azure: o.azure } : {}) });
      this.#clients.set(key, client);
    }
    return client;
  }
}
