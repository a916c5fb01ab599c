/** What the engine tells whoever shows progress (a live task list, plain lines, JSON lines for CI). */
export type StepState = "waiting-on-needs" | "running" | "waiting" | "done" | "verified" | "failed" | "skipped" | "interrupted" | "unknown";

export type EngineEvent =
  | {
      readonly type: "step";
      readonly id: string;
      readonly title: string;
      readonly state: StepState;
      readonly message?: string;
      readonly elapsedMs?: number;
      /** A failure's reason, hint and evidence (events, log tail — secrets redacted). */
      readonly reason?: string;
      readonly hint?: string;
      readonly lines?: readonly string[];
    }
  | { readonly type: "note"; readonly id?: string; readonly message: string }
  | { readonly type: "run"; readonly state: "started" | "finished"; readonly run: string; readonly revision?: number; readonly status?: "ok" | "failed" | "interrupted"; readonly steps?: number; readonly elapsedMs?: number };

export type EventSink = (event: EngineEvent) => void;
