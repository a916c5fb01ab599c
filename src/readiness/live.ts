/** The parts of live objects readiness reads; everything optional, as the API server may omit any of it. */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface LiveObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly generation?: number; readonly labels?: Record<string, string>; readonly deletionTimestamp?: string };
  readonly spec?: Record<string, any>;
  readonly status?: Record<string, any>;
  readonly [field: string]: unknown;
}

export interface ContainerState {
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly running?: Record<string, unknown>;
  readonly terminated?: { readonly reason?: string; readonly message?: string; readonly exitCode?: number };
}

export interface ContainerStatus {
  readonly name: string;
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
}

export interface EventLike {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly involvedObject?: { readonly kind?: string; readonly name?: string };
  readonly lastTimestamp?: string;
  readonly count?: number;
}

/** What the engine observed for one step: the object, and for pod-owning kinds the pods it selects. */
export interface Observed {
  readonly object: LiveObject;
  readonly pods?: readonly LiveObject[];
  readonly endpoints?: LiveObject;
  readonly events?: readonly EventLike[];
}

export const conditionOf = (o: LiveObject, type: string): Condition | undefined =>
  ((o.status?.conditions as Condition[] | undefined) ?? []).find((c) => c.type === type);
