import { down } from "../../deploy/down.ts";
import { describeRef } from "../../plan/step.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { type ClusterFlags, commandLine, planOrReport, recordOf, targetOf } from "./deploy-flags.ts";
import { exitOf, progressFor, withSignals } from "./up.ts";

export async function runDown(path: string, flags: ClusterFlags & { deleteData?: boolean; yes?: boolean }, io: CliIO): Promise<number> {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  const progress = progressFor(flags, io);
  const { result, signal } = await withSignals((sig) => down(plan, targetOf(path, flags), { onEvent: progress, signal: sig, deleteData: flags.deleteData ?? false, command: commandLine("down", path, flags), record: recordOf(path, flags) }));
  progress.stop?.();
  if (flags.json) io.out(JSON.stringify({ type: "result", status: result.status, error: result.error ?? null, deleted: result.deleted ?? [], kept: result.kept ?? [] }));
  else {
    if (result.status === "ok") io.out(`down: ${result.deleted?.length ?? 0} objects deleted`);
    else io.err(`berth down ${result.status}: ${result.error ?? ""}`);
    for (const k of result.kept ?? []) io.out(`  kept (holds data; --delete-data removes it): ${describeRef(k)}`);
  }
  if (signal) return signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  return exitOf(result);
}
