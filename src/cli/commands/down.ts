import { down, type Deletions } from "../../deploy/down.ts";
import { describeRef, type Plan, refKey } from "../../plan/step.ts";
import { confirm, dataLines } from "../confirm.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { type ClusterFlags, commandLine, planOrReport, recordOf, targetOf } from "./deploy-flags.ts";
import { exitOf, progressFor, withSignals } from "./up.ts";

/** What `down` is about to do, for the person asked (or the log of a refused run). */
function listing(plan: Plan, d: Deletions, endpoint: string): string {
  const data = new Set(d.data.map((x) => refKey(x.ref)));
  const plain = d.remove.filter((r) => !data.has(refKey(r)));
  return [
    `down ${plan.platform}/${plan.env} on ${endpoint} deletes ${d.remove.length} object${d.remove.length === 1 ? "" : "s"}:`,
    ...plain.map((r) => `  - ${describeRef(r)}`),
    ...(d.data.length ? ["  and data, for good (--delete-data):", ...dataLines(d.data)] : []),
    ...(d.keep.length ? [`keeps ${d.keep.length} (data, or adopted from before berth)`] : []),
  ].join("\n");
}

export async function runDown(path: string, flags: ClusterFlags & { deleteData?: boolean; yes?: boolean }, io: CliIO): Promise<number> {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  const progress = progressFor(flags, io);
  const { result, signal } = await withSignals((sig) =>
    down(plan, targetOf(path, flags), {
      onEvent: progress,
      signal: sig,
      deleteData: flags.deleteData ?? false,
      command: commandLine("down", path, flags),
      record: recordOf(path, flags),
      confirm: (d, endpoint) => {
        const pending = d.remove.length > 0;
        if (io.interactive && !flags.yes && pending) progress.stop?.(); // a live list would redraw over the question
        return confirm({ command: "down", name: `${plan.platform}/${plan.env}`, pending, data: d.data, listing: listing(plan, d, endpoint) }, flags, io);
      },
    }),
  );
  progress.stop?.();
  if (flags.json) io.out(JSON.stringify({ type: "result", status: result.status, error: result.error ?? null, deleted: result.deleted ?? [], kept: result.kept ?? [] }));
  else {
    if (result.status === "ok") io.out(`down: ${result.deleted?.length ?? 0} objects deleted`);
    else if (result.status === "declined") io.out(`down: ${result.error}`);
    else io.err(`berth down${result.status === "refused" ? "" : ` ${result.status}`}: ${result.error ?? ""}`);
    if (result.status === "ok") for (const k of result.kept ?? []) io.out(`  kept (holds data; --delete-data removes it): ${describeRef(k)}`);
  }
  if (signal) return signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  return exitOf(result);
}
