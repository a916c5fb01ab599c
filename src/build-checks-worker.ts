/**
 * The worker side of `buildInParallel`: loads, resolves and synthesizes the same spec as the main thread, runs the
 * checks and posts their findings back. Synthesis is deterministic, so checking its own copy gives exactly the
 * findings the main thread's objects would give, without copying tens of thousands of objects between threads.
 */
import { parentPort } from "node:worker_threads";
import { type BuildOptions, lintSynthesized, synthesize } from "./index.ts";

/** What the worker posts: the checks' findings, or undefined when synthesis stopped (the main thread's stops too). */
export interface ChecksReply {
  readonly diagnostics: ReturnType<typeof lintSynthesized> | undefined;
}

export function runChecksWorker(options: BuildOptions): void {
  const synth = synthesize(options);
  const reply: ChecksReply = { diagnostics: synth.ok ? lintSynthesized(synth) : undefined };
  parentPort!.postMessage(reply);
}
