import { type RunRecord, up, type UpResult } from "../../deploy/up.ts";
import type { EventSink } from "../../engine/events.ts";
import { describeRef, type Plan } from "../../plan/step.ts";
import { EXIT } from "../exit-codes.ts";
import { confirm, dataLines } from "../confirm.ts";
import { type CliIO, duringRun, readerGone } from "../io.ts";
import { jsonProgress } from "../progress/json.ts";
import { plainProgress } from "../progress/plain.ts";
import { ttyProgress } from "../progress/tty.ts";
import { maskedIO, maskedSink, maskOfSets } from "../masked-output.ts";
import { planText, summarize } from "../render-plan.ts";
import { type ClusterFlags, commandLine, planOrReport, recordOf, targetOf } from "./deploy-flags.ts";

export interface UpFlags extends ClusterFlags {
  yes?: boolean;
  pruneData?: boolean;
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
  const stopOnClosedPipe = () => controller.abort(readerGone.signal.reason);
  readerGone.signal.addEventListener("abort", stopOnClosedPipe);
  const done = duringRun();
  try {
    const result = await work(controller.signal);
    return { result, ...(received ? { signal: received } : {}) };
  } finally {
    done();
    readerGone.signal.removeEventListener("abort", stopOnClosedPipe);
    process.off("SIGINT", handlers.SIGINT);
    process.off("SIGTERM", handlers.SIGTERM);
  }
}

export async function runUp(path: string, flags: UpFlags, shown: CliIO): Promise<number> {
  const io = maskedIO(shown, maskOfSets(flags.set));
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  return deploy(plan, path, flags, io, commandLine("up", path, flags));
}

/** Shared by `up` and `rollback`: confirm (see confirm.ts), run, report, map the outcome to an exit code. */
export async function deploy(plan: Plan, path: string, flags: UpFlags, shown: CliIO, command: string, rollbackOf?: number, record: RunRecord = recordOf(path, flags)): Promise<number> {
  const mask = maskOfSets(flags.set);
  const io = maskedIO(shown, mask);
  const progress = maskedSink(progressFor(flags, io), mask);
  const { result, signal } = await withSignals((sig) =>
    up(plan, targetOf(path, flags), {
      onEvent: progress,
      signal: sig,
      command,
      record,
      ...(flags.pruneData ? { pruneData: true } : {}),
      ...(rollbackOf !== undefined ? { rollbackOf } : {}),
      confirm: async (inspection) => {
        const data = inspection.prunedData;
        const listing = [planText(plan, inspection), ...(data.length ? ["these hold data and are deleted for good (--prune-data):", ...dataLines(data)] : [])].join("\n");
        const question = { command: rollbackOf !== undefined ? ("rollback" as const) : ("up" as const), name: `${plan.platform}/${plan.env}`, pending: summarize(plan, inspection).pending, data, listing };
        if (io.interactive && !flags.yes && question.pending) progress.stop?.(); // a live list would redraw over the question
        return confirm(question, flags, io);
      },
    }),
  );
  progress.stop?.();
  report(result, flags, io, rollbackOf !== undefined ? "rollback" : "up");
  if (signal) return signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  return exitOf(result);
}

/** A run's status as the exit-code contract (exit-codes.ts) says. */
const EXIT_OF_STATUS: Readonly<Record<string, number>> = {
  ok: EXIT.ok,
  declined: EXIT.ok,
  blocked: EXIT.badInput,
  refused: EXIT.badInput,
  unreachable: EXIT.unreachable,
};

export function exitOf(result: { status: string }): number {
  return EXIT_OF_STATUS[result.status] ?? EXIT.failure;
}

function report(result: UpResult, flags: UpFlags, io: CliIO, name: string): void {
  if (flags.json) {
    io.out(JSON.stringify({ type: "result", status: result.status, revision: result.revision ?? null, error: result.error ?? null, blockers: result.blockers ?? [], resumed: result.resumed ?? null }));
    return;
  }
  for (const b of result.blockers ?? []) io.err(`✗ ${b.message}\n    hint: ${b.hint}`);
  if (result.status === "ok") {
    io.out(`up: revision ${result.revision} deployed${result.inspection?.prune.length ? `; ${result.inspection.prune.length} objects that left the spec deleted` : ""}`);
    for (const k of result.inspection?.keptData ?? []) io.out(`  kept (holds data; --prune-data deletes it): ${describeRef(k)}`);
  } else if (result.status === "declined") io.out("nothing was changed");
  else if (result.status === "refused") io.err(`berth ${name}: ${result.error}`);
  else io.err(`berth ${name} ${result.status}: ${result.error ?? ""}`.trim());
}
