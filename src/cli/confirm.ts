/**
 * Asking before berth deletes or changes anything, the same way for `up`, `rollback` and `down`:
 * - nothing would change, or `--yes`: go;
 * - data would be deleted (claims, generated credentials, a namespace holding either): on a terminal the person
 *   types `<platform>/<env>`; without one, only `--yes` lets it happen (else exit 2, nothing changed);
 * - otherwise, on a terminal: `[y/N]`; without one: `down` and `rollback` refuse (they exist to delete or undo),
 *   `up` goes on, as CI runs it.
 */
import { type Consent, GO } from "../deploy/consent.ts";
import type { DataItem } from "../deploy/data-holders.ts";
import { describeRef } from "../plan/step.ts";
import type { CliIO } from "./io.ts";

export type ConfirmingCommand = "up" | "rollback" | "down";

const ROWS: Readonly<Record<ConfirmingCommand, { readonly unattended: "go" | "refuse"; readonly question: string; readonly doing: string }>> = {
  up: { unattended: "go", question: "apply these changes?", doing: "apply these changes" },
  rollback: { unattended: "refuse", question: "roll back with these changes?", doing: "roll back" },
  down: { unattended: "refuse", question: "delete these objects?", doing: "delete these objects" },
};

export interface Question {
  readonly command: ConfirmingCommand;
  /** `<platform>/<env>`: what a person types to delete data. */
  readonly name: string;
  /** Anything at all would change. */
  readonly pending: boolean;
  /** Data-holding objects that would be deleted. */
  readonly data: readonly DataItem[];
  /** What would happen, shown before asking and when refusing. */
  readonly listing: string;
}

export const dataLines = (data: readonly DataItem[]): string[] => data.map((d) => `  ! ${describeRef(d.ref)}${d.holds ? ` (holds ${d.holds})` : ""}`);

export async function confirm(q: Question, flags: { readonly yes?: boolean }, io: CliIO): Promise<Consent> {
  if (!q.pending || flags.yes) return GO;
  const row = ROWS[q.command];
  const mustAsk = q.data.length > 0 || row.unattended === "refuse";
  if (!io.interactive || !io.ask) {
    if (!mustAsk) return GO;
    io.err(q.listing);
    const what = q.data.length ? `delete data (${q.data.length} object${q.data.length === 1 ? "" : "s"} above)` : row.doing;
    return { go: false, status: "refused", message: `will not ${what} without confirmation, and there is no terminal to ask on; nothing was changed. Pass --yes to go ahead` };
  }
  io.err(q.listing);
  if (q.data.length) {
    const answer = (await io.ask(`This deletes the data above for good. Type ${q.name} to go ahead: `)).trim();
    return answer === q.name ? GO : { go: false, status: "refused", message: `${answer ? `"${answer}"` : "nothing"} typed, not ${q.name}; nothing was changed` };
  }
  const answer = (await io.ask(`${row.question} [y/N] `)).trim();
  return /^y(es)?$/i.test(answer) ? GO : { go: false, status: "declined", message: "nothing was changed" };
}
