/**
 * One module per Databricks resource kind (kinds/*.ts), listed in kinds/index.ts: the provider only dispatches, so
 * what a cluster or a job needs lives in one file each (Pulumi's per-kind table, in code).
 */
import type { FieldChange, LiveState, OwnedObject, Progress, RunResult } from "../provider.ts";
import type { DatabricksResource, DatabricksWorkspaceRef } from "../../resources/databricks-resource.ts";
import type { Verdict } from "../../readiness/verdict.ts";
import type { DatabricksApi } from "./api.ts";

/** What a kind module is given besides the resource: the workspace's API, the instance, the clock. */
export interface KindContext {
  readonly api: DatabricksApi;
  /** The platform/env owner mark (`berth.instance` tag value). */
  readonly instance: string;
  /** Take over an untagged resource of the same name (--adopt). */
  readonly adopt: boolean;
  readonly now: () => number;
  /** The workspace as the step names it (owned() builds its resources with it). */
  readonly workspace: DatabricksWorkspaceRef;
  /** The step's digest (its intent), when there is a step: idempotency tokens derive from it. */
  readonly digest?: string;
}

export interface KindModule<R extends DatabricksResource = DatabricksResource> {
  /**
   * What is live and how it differs. `changes` are differences from the spec; `drift` (on LiveState) lists remote
   * edits of fields the spec did not change since berth last wrote them. Outputs: the ids (`cluster_id`, `job_id`,
   * `object_id`) when it exists.
   */
  inspect(resource: R, ctx: KindContext): Promise<LiveState>;
  /** Makes it as wanted; an unchanged resource makes no request that writes. */
  run(resource: R, live: LiveState, ctx: KindContext, progress: Progress): Promise<RunResult>;
  /** One look: ready, waiting, or failed with a reason (INIT_SCRIPT_FAILURE…). */
  check(resource: R, ctx: KindContext, stage: "step" | "settled", outputs: Readonly<Record<string, string>>): Promise<Verdict>;
  /** Lines explaining a failed verdict (termination reason, the event log's last lines); never a secret. */
  explain?(resource: R, ctx: KindContext, verdict: Verdict, outputs: Readonly<Record<string, string>>): Promise<string[]>;
  /** Deletes it (down, prune): what berth created only; retained or adopted ones are kept. */
  remove(resource: R, ctx: KindContext, progress: Progress): Promise<RunResult>;
  /** What of this kind the workspace holds for the instance (by tag), for prune and down. */
  owned?(ctx: KindContext): Promise<OwnedObject[]>;
}

export type { FieldChange };
