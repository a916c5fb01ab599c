/**
 * What the engine asks of a provider (Kubernetes now; Azure and Databricks beside it later). The engine knows
 * steps, needs, the journal and time; a provider knows its API. Nothing here names a Kubernetes kind.
 */
import type { ObjectRef, PlanStep } from "../plan/step.ts";
import type { Outputs } from "../resources/outputs.ts";
import type { Verdict } from "../readiness/verdict.ts";

/** What the provider found live for a step, before doing anything. */
export interface LiveState {
  readonly exists: boolean;
  /** The live object is berth's for this platform/env, adoptable, or someone else's. */
  readonly ownership: "ours" | "adoptable" | "foreign" | "absent";
  /** Who owns a foreign object, for the message. */
  readonly owner?: string;
  /** Field-level differences from the desired state (values of secrets masked); empty when in sync. */
  readonly changes: readonly FieldChange[];
  /** The step's last applied intent differs from this one (fields may have been removed from the spec). */
  readonly intentChanged: boolean;
  /** berth took the object over from before it: never to be deleted. */
  readonly adopted?: boolean;
  /** What the remote side assigned, read from the live resource (an existing server's FQDN): see resources/outputs.ts. */
  readonly outputs?: Outputs;
  /**
   * Remote edits: fields changed in the remote service although the spec did not change them since berth last wrote
   * them (a cluster edited in the workspace UI). Shown apart from `changes`, which the spec asks for; a run puts
   * them back as the spec says.
   */
  readonly drift?: readonly FieldChange[];
  /** What applying the changes does beyond them, said in the plan ("the running cluster restarts"). */
  readonly effects?: readonly string[];
}

export interface FieldChange {
  readonly field: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

export interface RunResult {
  /** What was done, in a few words ("created", "updated", "unchanged", "re-created: Jobs are immutable"). */
  readonly did: string;
  readonly mutated: boolean;
  /** What the remote side assigned (ids, URLs, FQDNs, client ids; never a secret): journaled right after the mutation. */
  readonly outputs?: Outputs;
}

export interface OwnedObject {
  readonly ref: ObjectRef;
  /** The provider's own id of it, when a reference is not enough to address it (an ARM id). */
  readonly id?: string;
  /** Kept on `down` unless data is to be deleted (claims, generated credentials). */
  readonly holdsData: boolean;
  /** Adopted from before berth: never deleted by berth. */
  readonly adopted: boolean;
  /** Carries the instance label; unlabelled ones are data in berth's namespaces (a StatefulSet's claims). */
  readonly labelled: boolean;
  /** What the provider's planning module needs to delete it, beyond ref and id (a Databricks resource as planned). */
  readonly detail?: unknown;
}

export interface Progress {
  /** A wait before a retry, or any other note worth a line in the log. */
  note(message: string): void;
  /** When the step must be done, on the engine's clock: no retry waits past it. */
  readonly deadline?: number;
  /** Ends every retry wait of the step at once (SIGINT/SIGTERM, a lost lock). */
  readonly signal?: AbortSignal;
  /** Called before every try of a request, retries included: throws when the step may no longer change anything. */
  readonly beforeAttempt?: () => void;
}

export interface Provider {
  readonly name: string;
  /** Reachable and authorised: called before any mutation; throws ProviderUnavailable. */
  preflight(): Promise<{ readonly endpoint: string; readonly version: string }>;
  inspect(step: PlanStep): Promise<LiveState>;
  run(step: PlanStep, live: LiveState, progress: Progress, signal: AbortSignal): Promise<RunResult>;
  /** One look at live state: "step" decides the step, "settled" is the final verification's stricter question. */
  check(step: PlanStep, stage: "step" | "settled"): Promise<Verdict>;
  /** Lines that explain a failed verdict: events, a log tail. Never secret values. */
  explain(step: PlanStep, verdict: Verdict): Promise<string[]>;
  /**
   * Optional: the steps about to run. A provider that can be told of changes (Kubernetes watches) starts following
   * what they act on, so checks read what it already knows instead of asking again.
   */
  follow?(steps: readonly PlanStep[]): void;
  /**
   * Optional: resolves when something a step's check reads may have changed (or the signal aborts); undefined when
   * the provider cannot tell, and the engine polls. Either way the engine also looks again after its poll interval.
   */
  changed?(step: PlanStep, signal: AbortSignal): Promise<void> | undefined;
  /**
   * Optional: what stops the steps before any write, found by reading only (names held by deleted resources, rights
   * the caller lacks, resources declared existing that are not there). Called once per run, after inspect.
   */
  preflightProblems?(steps: readonly PlanStep[]): Promise<ProviderProblem[]>;
  /**
   * Optional: the steps of plans deployed before (the history's revisions), oldest first: what this provider may have
   * made in earlier runs that it cannot find by a label or tag (Databricks workspace files, secret scopes), so
   * `owned` can list them for prune and down.
   */
  remember?(steps: readonly PlanStep[]): void;
  /** Optional: the run is over; stop following. */
  unfollow?(): void;
  /** Everything live that carries this instance's label; `alsoKinds` adds kinds beyond the provider's own list. */
  owned(instance: string, alsoKinds: readonly ObjectRef[]): Promise<OwnedObject[]>;
}

/** Something a provider found before any write. Blocking ones stop the run; the others say what berth will do. */
export interface ProviderProblem {
  readonly code: string;
  readonly step?: string;
  readonly message: string;
  readonly hint?: string;
  readonly blocking: boolean;
}

/** A provider cannot be reached or refuses the credentials: nothing has been changed. */
export class ProviderUnavailable extends Error {}

/**
 * berth's lock, history or journal cannot be read or written (permissions, a webhook, the storage service): the run
 * does not start, or stops. Thrown by every state backend a provider implements (the cluster's, a blob container's).
 */
export class StateStoreError extends Error {}

/** A request failed for a reason waiting will not fix; the message names the object, the operation and the server's words. */
export class ProviderRequestFailed extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Could not tell whether the mutation happened (connection lost mid-request). */
    readonly outcomeUnknown = false,
  ) {
    super(message);
  }
}
