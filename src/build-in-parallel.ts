/**
 * `build` on two cores: the checks (about 40% of a large build) run in a worker thread while this thread renders
 * the output, and the files are kept only if no check reports an error — the same result, diagnostics and files as
 * `build`. The worker starts before the spec is read, so its start-up overlaps this thread's work too.
 *
 * The worker repeats load, resolve and synth (cheaper than copying the objects across), so it pays only where a core
 * is free: from the bundle (whose launcher starts workers with the compile cache), with two or more cores, and while
 * the machine's load leaves one idle. Otherwise, or if the worker fails in any way, the checks run here as in `build`.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ChecksReply } from "./build-checks-worker.ts";
import type { Diagnostic } from "./diagnostics/diagnostic.ts";
import { type BuildOptions, type BuildResult, build, finishBuild, lintSynthesized, renderFiles, synthesize } from "./index.ts";
import type { RenderedFile } from "./output/manifests.ts";
import { packageRoot } from "./util/package-root.ts";

// Defined by scripts/bundle.mjs: true in the bundle. Sources run through tsx have no such name.
declare const __BERTH_BUNDLE__: boolean | undefined;

/** The launcher that runs the bundle as a checks worker, when this code is the bundle. */
export const bundledChecksWorker = (): string | undefined =>
  typeof __BERTH_BUNDLE__ === "boolean" && __BERTH_BUNDLE__ ? join(packageRoot(), "bin", "berth.js") : undefined;

/**
 * A core is idle now: on Linux, the runnable threads of /proc/loadavg other than this one leave one free (a worker
 * on a busy machine only competes with this thread); elsewhere, the load of the last minute does.
 */
export function coreToSpare(): boolean {
  const cores = availableParallelism();
  if (cores < 2) return false;
  try {
    const runnable = Number(readFileSync("/proc/loadavg", "utf8").split(" ")[3]!.split("/")[0]);
    if (Number.isFinite(runnable)) return runnable - 1 <= cores - 2;
  } catch {
    // Not Linux.
  }
  return loadavg()[0]! <= cores - 1;
}

export async function buildInParallel(options: BuildOptions, worker: string | URL | undefined): Promise<BuildResult> {
  if (worker === undefined) return build(options);
  const plain: BuildOptions = { path: options.path, env: options.env, set: options.set ? [...options.set] : undefined };
  const thread = new Worker(worker, { workerData: { berthChecks: plain } });
  const checked = checksOf(thread);
  try {
    const synth = synthesize(options);
    if (!synth.ok) return synth.result;
    // Rendered before the checks are in; a build the checks reject throws these files away. Rendering objects the
    // checks reject may fail: then the checks decide, as they do before rendering in `build`.
    let files: RenderedFile[] | Error;
    try {
      files = renderFiles(synth, options);
    } catch (error) {
      files = error instanceof Error ? error : new Error(String(error));
    }
    const diagnostics = (await checked) ?? lintSynthesized(synth);
    return finishBuild(synth, diagnostics, () => {
      if (files instanceof Error) throw files;
      return files;
    });
  } finally {
    void thread.terminate();
  }
}

/** The worker's findings; undefined if it stopped, failed or exited without answering (the checks then run here). */
function checksOf(thread: Worker): Promise<Diagnostic[] | undefined> {
  return new Promise((resolve) => {
    thread.once("message", (reply: ChecksReply) => resolve(reply.diagnostics));
    thread.once("error", () => resolve(undefined));
    thread.once("exit", () => resolve(undefined));
  });
}
