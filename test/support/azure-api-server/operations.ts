/**
 * Long-running operations: a write that takes time is answered at once (201/202) with an operation the client polls
 * (Azure-AsyncOperation status resource, Location result URL); it finishes when the server clock passes its duration.
 * Finishing is lazy (every request settles due operations first) and also timed, so a virtual clock has a timer to
 * jump to and the state moves even when nobody polls.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../../src/util/clock.ts";
import type { Json } from "./types.ts";

export type OperationStatus = "InProgress" | "Succeeded" | "Failed";

export interface OperationOutcome {
  readonly error?: { readonly code: string; readonly message: string };
  /** Body of the final result (POST actions); PUTs answer with the resource, DELETEs with 204. */
  readonly result?: Json;
}

export interface OperationSpec {
  readonly kind: "put" | "delete" | "post";
  readonly resourceId: string;
  readonly namespace: string;
  readonly location: string;
  readonly apiVersion: string;
  readonly durationMs: number;
  /** Applies the end state to the store; returns the error when provisioning fails. */
  readonly finish: () => OperationOutcome;
  /** Read the resource for a finished PUT's result. */
  readonly read?: () => Json | undefined;
}

export interface Operation extends OperationSpec {
  readonly id: string;
  readonly startTime: number;
  readonly doneAt: number;
  status: OperationStatus;
  endTime?: number;
  outcome?: OperationOutcome;
}

export class Operations {
  readonly #ops = new Map<string, Operation>();
  readonly #clock: Clock;
  readonly #stop: AbortSignal;

  constructor(clock: Clock, stop: AbortSignal) {
    this.#clock = clock;
    this.#stop = stop;
  }

  start(spec: OperationSpec): Operation {
    const now = this.#clock.now();
    const op: Operation = { ...spec, id: randomUUID(), startTime: now, doneAt: now + Math.max(0, spec.durationMs), status: "InProgress" };
    this.#ops.set(op.id, op);
    this.#clock.sleep(Math.max(0, spec.durationMs), this.#stop).then(
      () => this.settle(),
      () => undefined,
    );
    return op;
  }

  get(id: string): Operation | undefined {
    return this.#ops.get(id.toLowerCase()) ?? [...this.#ops.values()].find((o) => o.id.toLowerCase() === id.toLowerCase());
  }

  /** Operations still running on a resource (a write on it must wait). */
  running(resourceId: string): Operation | undefined {
    const id = resourceId.toLowerCase();
    return [...this.#ops.values()].find((o) => o.status === "InProgress" && o.resourceId.toLowerCase() === id);
  }

  /** Finishes every operation whose time has come, in start order. */
  settle(): void {
    const now = this.#clock.now();
    for (const op of this.#ops.values()) {
      if (op.status !== "InProgress" || op.doneAt > now) continue;
      const outcome = op.finish();
      op.outcome = outcome;
      op.status = outcome.error ? "Failed" : "Succeeded";
      op.endTime = now;
    }
  }

  /** The status resource (Azure-AsyncOperation) as ARM shapes it. */
  static statusBody(op: Operation): Json {
    return {
      id: op.id,
      name: op.id,
      status: op.status,
      startTime: new Date(op.startTime).toISOString(),
      ...(op.endTime !== undefined ? { endTime: new Date(op.endTime).toISOString() } : {}),
      ...(op.outcome?.error ? { error: op.outcome.error } : {}),
    };
  }

  static urls(op: Operation, base: string, subscriptionId: string): { asyncOperation: string; location: string } {
    const prefix = `${base}/subscriptions/${subscriptionId}/providers/${op.namespace}/locations/${encodeURIComponent(op.location)}`;
    return {
      asyncOperation: `${prefix}/operationStatuses/${op.id}?api-version=${op.apiVersion}`,
      location: `${prefix}/operationResults/${op.id}?api-version=${op.apiVersion}`,
    };
  }
}
