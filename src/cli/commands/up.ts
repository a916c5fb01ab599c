import { createInterface } from "node:readline/promises";
import { type RunRecord, up, type UpResult } from "../../deploy/up.ts";
import type { EventSink } from "../../engine/events.ts";
import type { Plan } from "../../plan/step.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { jsonProgress } from "../progress/json.ts";
import { plainProgress } from "../progress/plain.ts";
import { ttyProgress } from "../progress/tty.ts";
import { planText, summarize } from "../render-plan.ts";
import { type ClusterFlags, commandLine, planOrReport, recordOf, targetOf } from "./deploy-flags.ts";

export interface UpFlags extends ClusterFlags {
  yes?: boolean;
  adopt?: boolean;
}

const interactive = (io: CliIO) => io.interactive === true && process.stdin.isTTY === true && process.stderr.isTTY === true;

/** The progress display: JSON lines with --json, a live list on a terminal, plain lines otherwise. */
export function progressFor(flags: { json?: boolean }, io: CliIO): EventSink & { stop?(): void } {
  if (flags.json) return jsonProgress(io);
  return interactive(io) ? ttyProgress(process.stderr) : plainProgress(io);
}

/** SIGINT/SIGTERM end the run cleanly: the current steps stop waiting, the journal and the lock are left right. */
export async function withSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; signal?: NodeJS.Signals }> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const on = (sig: NodeJS.Signals) => () => {
    received = sig;
    controller.abort(new Error(`received ${sig}`));
  };
  const handlers = { SIGINT: on("SIGINT"), SIGTERM: on("SIGTERM") };
  process.on("SIGINT", handlers.SIGINT);
  process.on("SIGTERM", handlers.SIGTERM);
  try {
    const result = await work(controller.signal);
    return { result, ...(received ? { signal: received } : {}) };
  } finally {
    process.off("SIGINT", handlers.SIGINT);
    process.off("SIGTERM", handlers.SIGTERM);
  }
}

export async function runUp(path: string, flags: UpFlags, io: CliIO): Promise<number> {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  return deploy(plan, path, flags, io, commandLine("up", path, flags));
}

/** Shared by `up` and `rollback`: confirm when a person is there, run, report, map the outcome to an exit code. */
export async function deploy(plan: Plan, path: string, flags: UpFlags, io: CliIO, command: string, rollbackOf?: number, record: RunRecord = recordOf(path, flags)): Promise<number> {
  const progress = progressFor(flags, io);
  const ask = !flags.yes && interactive(io);
  const { result, signal } = await withSignals((sig) =>
    up(plan, targetOf(path, flags), {
      onEvent: progress,
      signal: sig,
      command,
      record,
      ...(rollbackOf !== undefined ? { rollbackOf } : {}),
      ...(ask
        ? {
            confirm: async (inspection) => {
              progress.stop?.();
              io.err(planText(plan, inspection));
              if (!summarize(plan, inspection).pending) return true;
              const rl = createInterface({ input: process.stdin, output: process.stderr });
              const answer = await rl.question("apply these changes? [y/N] ");
              rl.close();
              return /^y(es)?$/i.test(answer.trim());
            },
          }
        : {}),
    }),
  );
  progress.stop?.();
  report(result, flags, io);
  if (signal) return signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  return exitOf(result);
}

export function exitOf(result: { status: string }): number {
  if (result.status === "ok" || result.status === "declined") return EXIT.ok;
  if (result.status === "blocked") return EXIT.badInput;
  return EXIT.failure;
}

function report(result: UpResult, flags: UpFlags, io: CliIO): void {
  if (flags.json) {
    io.out(JSON.stringify({ type: "result", status: result.status, revision: result.revision ?? null, error: result.error ?? null, blockers: result.blockers ?? [], resumed: result.resumed ?? null }));
    return;
  }
  for (const b of result.blockers ?? []) io.err(`✗ ${b.message}\n    hint: ${b.hint}`);
  if (result.status === "ok") io.out(`up: revision ${result.revision} deployed${result.inspection?.prune.length ? `; ${result.inspection.prune.length} objects that left the spec deleted` : ""}`);
  else if (result.status === "declined") io.out("nothing was changed");
  else io.err(`berth up ${result.status}: ${result.error ?? ""}`.trim());
}
