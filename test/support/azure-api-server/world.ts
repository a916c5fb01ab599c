/** What every handler shares: the scenario, the clock, the store, running operations and the per-type behaviour contract. */
import type { Clock } from "../../../src/util/clock.ts";
import type { ArmError } from "./errors.ts";
import type { Faults } from "./faults.ts";
import type { ArmPath } from "./ids.ts";
import type { Operations } from "./operations.ts";
import type { Store } from "./store.ts";
import type { Json, Scenario } from "./types.ts";

export interface ProviderState {
  readonly namespace: string;
  state: "NotRegistered" | "Registering" | "Registered";
  registeredAt?: number;
}

export interface World {
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly store: Store;
  readonly ops: Operations;
  readonly faults: Faults;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly realTime: boolean;
  /** https://127.0.0.1:PORT */
  base(): string;
  /** Object id → clock time the principal was created (role assignments look them up). */
  readonly principals: Map<string, number>;
  /** Write locks: key → the id of what holds it. */
  readonly locks: Map<string, string>;
  /** Soft-deleted vaults by lower-cased name (vault names are global): the deletedVaults view and the vault as it was. */
  readonly deletedVaults: Map<string, { readonly view: Json; readonly vault: Json }>;
  /** Resource providers by lower-cased namespace. */
  readonly providers: Map<string, ProviderState>;
  /** Secrets a user sets in a vault (lower-cased name) as soon as it exists: name → value (`setUserSecrets`). */
  readonly userSecrets: Map<string, Record<string, string>>;
  /** Provisioning time of a type on the server clock. */
  latency(type: string): number;
}

/** A write as a type's behaviour sees it. */
export interface WriteContext {
  readonly w: World;
  /** The id as stored (first-write casing). */
  readonly id: string;
  readonly path: ArmPath;
  readonly type: string;
  readonly name: string;
  /** The desired resource: the PUT body, or for PATCH the stored resource with the patch merged in. */
  readonly body: Json;
  readonly prev?: Json;
}

export interface ActionResult {
  readonly status?: number;
  readonly body?: Json;
}

/** What a resource type does beyond the generic store; every hook is optional. */
export interface TypeBehaviour {
  /** PUT is long-running: 201/200 with Azure-AsyncOperation, provisioningState moving to Succeeded or Failed. */
  readonly asyncPut?: boolean;
  /** provisioningState while a create runs (default Creating; some RPs say Accepted). */
  readonly creatingState?: string;
  /** DELETE is long-running: 202 with Location and Azure-AsyncOperation. */
  readonly asyncDelete?: boolean;
  /** Location is required (tracked resource); default true for top-level types. */
  readonly tracked?: boolean;
  /** Dotted body paths accepted on write and never returned (admin passwords, secret values). */
  readonly writeOnly?: readonly string[];
  /** Default provisioning latency on virtual time, ms. */
  readonly latencyMs?: number;
  /** The lock a write holds while it runs; concurrent writes taking the same key are refused. */
  lockKey?(ctx: WriteContext): string | undefined;
  /** The refusal of a write that finds its lock taken. */
  lockError?(ctx: WriteContext, holder: string): ArmError;
  /** Rejections (throw ArmError) before anything is stored. */
  validate?(ctx: WriteContext): void;
  /** Values the service assigns, written into the new resource (`res`), kept from `ctx.prev` on update. */
  assign?(ctx: WriteContext, res: Json): void;
  /** After provisioning succeeded. */
  provisioned?(w: World, res: Json): void;
  /**
   * Instead of plain removal (Key Vault soft delete). Runs for each removed resource, also on resource group deletion;
   * `writeOnly` is what the resource kept (a deleted secret's value, for its recovery).
   */
  removed?(w: World, res: Json, writeOnly?: Json): void;
  /** DELETE refusals (throw ArmError): a subnet still in use. */
  validateDelete?(w: World, res: Json): void;
  /** The GET view, when it is composed (a VNet lists its subnets). */
  read?(w: World, res: Json): Json;
  /** POST actions on a resource, by lower-cased name. */
  readonly actions?: Readonly<Record<string, (w: World, res: Json, body: Json) => ActionResult>>;
}
