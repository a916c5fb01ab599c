/**
 * The exit-code contract, one row per code: what it means and which commands give it. docs/commands.md carries the
 * same table (a test compares them), so scripts and CI can branch on the code alone.
 */
export const EXIT = { ok: 0, failure: 1, badInput: 2, changesPending: 3, unreachable: 4, sigint: 130, sigterm: 143 } as const;

export type ExitName = keyof typeof EXIT;

export const EXIT_TABLE: readonly { readonly name: ExitName; readonly code: number; readonly meaning: string }[] = [
  { name: "ok", code: EXIT.ok, meaning: "done; `plan`: nothing to change; `status`: everything ready; a question answered no (nothing changed); the reader of stdout stopped early (`berth schema` piped into `head -1`)" },
  { name: "failure", code: EXIT.failure, meaning: "failed while running (a step failed or timed out, the lock is held by another run, the run lost the lock); `status`: something is not ready" },
  { name: "badInput", code: EXIT.badInput, meaning: "bad input or failed checks: spec errors, lint findings, blockers found before any change, a path that is not a folder or cannot be written, a deletion that needs confirmation with no terminal to ask on and no `--yes`, a wrong platform/env name typed; nothing was changed" },
  { name: "changesPending", code: EXIT.changesPending, meaning: "`plan`: changes pending" },
  { name: "unreachable", code: EXIT.unreachable, meaning: "cluster commands: no usable kubeconfig, an unknown context, or the cluster cannot be reached or refuses the credentials; nothing was changed" },
  { name: "sigint", code: EXIT.sigint, meaning: "interrupted by SIGINT (the journal says where; `berth up` resumes)" },
  { name: "sigterm", code: EXIT.sigterm, meaning: "interrupted by SIGTERM (as SIGINT)" },
];
