/**
 * Following an ARM long-running operation to its end, as the ARM RPC describes it: the Azure-AsyncOperation URL when
 * ARM gives one (its `status` says Succeeded/Failed/Canceled), else the Location URL (202 while running, then the
 * result), else the resource's own provisioningState. Every wait is ARM's Retry-After or the poll interval, on berth's
 * clock, ended by the step's signal and never past its deadline: Azure carries on with the operation regardless, and
 * the next run finds it where it got.
 */
import type { Progress } from "../provider.ts";
import type { ArmClient, ArmResponse, Json, Method } from "./arm-client.ts";
import { armErrorOf, AzureRequestError, retryAfterMs } from "./errors.ts";

export interface LroOptions {
  readonly operation: string;
  readonly intervalMs: number;
  readonly progress?: Progress;
}

const TERMINAL = new Set(["succeeded", "failed", "canceled", "cancelled"]);
const isTerminal = (state: unknown): boolean => state === undefined || (typeof state === "string" && TERMINAL.has(state.toLowerCase()));
const isSuccess = (state: unknown): boolean => state === undefined || (typeof state === "string" && state.toLowerCase() === "succeeded");

export const provisioningStateOf = (resource: Json | undefined): string | undefined => resource?.properties?.provisioningState ?? resource?.provisioningState;

/** The result of the operation `response` started: the resource (PUT/PATCH), the action's answer (POST), nothing (DELETE). */
export async function followOperation(client: ArmClient, method: Method, path: string, apiVersion: string, response: ArmResponse, options: LroOptions): Promise<Json | undefined> {
  const asyncUrl = response.headers["azure-asyncoperation"];
  const location = response.headers["location"];
  const running = response.status === 201 || response.status === 202;
  const readResource = () => client.get(path, apiVersion, options.operation, options.progress);

  if (asyncUrl && (running || method !== "DELETE")) {
    const wait = response.status === 200 && method !== "POST" && isTerminal(provisioningStateOf(response.body));
    if (!wait) await pollAsyncOperation(client, asyncUrl, response, options);
    if (method === "DELETE") return undefined;
    if (method === "POST") return location ? (await client.request("GET", location, { operation: options.operation, readOnly: true })).body : response.body;
    return readResource();
  }
  if (location && response.status === 202) {
    const result = await pollLocation(client, location, response, options);
    if (method === "PUT" || method === "PATCH") return readResource();
    return result;
  }
  if (method === "DELETE") {
    if (response.status === 202) await pollUntilGone(client, path, apiVersion, response, options);
    return undefined;
  }
  if (method === "POST") return response.body;
  // PUT/PATCH answered without a polling URL: the resource's provisioningState says when it is done.
  let resource = response.body;
  let previous = response;
  while (!isTerminal(provisioningStateOf(resource))) {
    await pause(client, previous, options, `provisioningState ${provisioningStateOf(resource)}`);
    const next = await client.request("GET", path, { apiVersion, operation: options.operation, readOnly: true, ...(options.progress ? { progress: options.progress } : {}) });
    resource = next.body;
    previous = next;
  }
  const state = provisioningStateOf(resource);
  if (!isSuccess(state)) throw new AzureRequestError(options.operation, previous.status, { code: `Provisioning${state}`, message: `provisioningState is ${state}` });
  return resource;
}

async function pollAsyncOperation(client: ArmClient, url: string, first: ArmResponse, options: LroOptions): Promise<void> {
  let previous = first;
  for (;;) {
    await pause(client, previous, options, "operation running");
    const poll = await client.request("GET", url, { operation: options.operation, readOnly: true, ...(options.progress ? { progress: options.progress } : {}) });
    const status = String(poll.body?.status ?? "");
    if (status.toLowerCase() === "succeeded") return;
    if (isTerminal(status) && status) throw new AzureRequestError(options.operation, poll.status, armErrorOf(poll.body, `the operation ended ${status}`), poll.headers);
    previous = poll;
  }
}

async function pollLocation(client: ArmClient, url: string, first: ArmResponse, options: LroOptions): Promise<Json | undefined> {
  let previous = first;
  for (;;) {
    await pause(client, previous, options, "operation running");
    const poll = await client.request("GET", url, { operation: options.operation, readOnly: true, ...(options.progress ? { progress: options.progress } : {}) });
    if (poll.status !== 202) return poll.body;
    previous = poll;
  }
}

async function pollUntilGone(client: ArmClient, path: string, apiVersion: string, first: ArmResponse, options: LroOptions): Promise<void> {
  let previous = first;
  for (;;) {
    await pause(client, previous, options, "being deleted");
    try {
      previous = await client.request("GET", path, { apiVersion, operation: options.operation, readOnly: true, ...(options.progress ? { progress: options.progress } : {}) });
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return;
      throw error;
    }
  }
}

/** ARM's Retry-After (else the poll interval), unless it would end past the step's deadline. */
async function pause(client: ArmClient, previous: ArmResponse, options: LroOptions, what: string): Promise<void> {
  const ms = retryAfterMs(previous.headers, client.clock.now()) ?? options.intervalMs;
  const deadline = options.progress?.deadline;
  if (deadline !== undefined && client.clock.now() + ms > deadline)
    throw new AzureRequestError(options.operation, undefined, { code: "OperationTimedOut", message: `still running (${what}) when the step's time ran out; Azure carries on with it and the next run picks it up` });
  const signal = options.progress?.signal;
  if (signal?.aborted) throw signal.reason;
  await client.clock.sleep(ms, signal);
}
