/** What a look at live state says about a step. */
export interface Verdict {
  /** Nothing more will change by waiting: ready (ok) or failed for good (!ok). */
  readonly done: boolean;
  readonly ok: boolean;
  /** What is being waited for, what is ready, or why it failed. */
  readonly message: string;
  /** A stable word for the failure (ImagePullBackOff, OOMKilled, BackoffLimitExceeded…), used to pick a hint. */
  readonly reason?: string;
  /** The pod the failure was seen in, for events and logs. */
  readonly pod?: { readonly namespace: string; readonly name: string; readonly container?: string; readonly previous?: boolean };
}

export const ready = (message: string): Verdict => ({ done: true, ok: true, message });
export const waiting = (message: string): Verdict => ({ done: false, ok: false, message });
export const failed = (reason: string, message: string, pod?: Verdict["pod"]): Verdict => ({ done: true, ok: false, reason, message, ...(pod ? { pod } : {}) });
