/** Progress as plain lines: one per step that finishes or fails, and one when a step starts waiting. For logs and CI. */
import type { EngineEvent, EventSink } from "../../engine/events.ts";
import type { CliIO } from "../io.ts";

const MARK: Record<string, string> = { done: "✓", verified: "✓", failed: "✗", skipped: "-", interrupted: "!", unknown: "?", waiting: "…" };

export const seconds = (ms: number | undefined): string => (ms === undefined ? "" : `${(ms / 1000).toFixed(1)}s`);

export function stepLine(e: Extract<EngineEvent, { type: "step" }>): string {
  return `${MARK[e.state] ?? " "} ${e.title}${e.message ? ` — ${e.message}` : ""}${e.elapsedMs !== undefined ? ` (${seconds(e.elapsedMs)})` : ""}`;
}

/** The evidence for a failure, indented under it. */
export function failureBlock(e: Extract<EngineEvent, { type: "step" }>): string[] {
  return [...(e.reason ? [`    reason: ${e.reason}`] : []), ...(e.lines ?? []).map((l) => `    ${l}`), ...(e.hint ? [`    hint: ${e.hint}`] : [])];
}

export function plainProgress(io: CliIO): EventSink {
  return (e) => {
    if (e.type === "note") io.err(`  note: ${e.message}`);
    else if (e.type === "run") io.err(e.state === "started" ? `run ${e.run} (revision ${e.revision}): ${e.steps} steps` : `run ${e.run} ${e.status} in ${seconds(e.elapsedMs)}`);
    else if (e.state === "waiting" || e.state in MARK) {
      io.err(stepLine(e));
      if (e.state === "failed") for (const l of failureBlock(e)) io.err(l);
    }
  };
}
