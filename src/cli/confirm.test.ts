/** The confirmation table, row by row: who is asked what, and what happens without a terminal. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DataItem } from "../deploy/data-holders.ts";
import { type ConfirmingCommand, confirm } from "./confirm.ts";
import type { CliIO } from "./io.ts";

const CLAIM: DataItem = { ref: { apiVersion: "v1", kind: "Namespace", name: "data" }, holds: "1 claim" };

interface Row {
  readonly command: ConfirmingCommand;
  readonly data: boolean;
  readonly pending?: boolean;
  readonly yes?: boolean;
  readonly terminal: boolean;
  readonly answer?: string;
  /** go, or the status and the question asked (undefined: nothing asked). */
  readonly expect: "go" | "declined" | "refused";
  readonly asked?: RegExp;
}

const ROWS: Row[] = [
  // Nothing to change, or --yes: never asked, whatever else.
  { command: "down", data: true, pending: false, terminal: false, expect: "go" },
  { command: "down", data: true, yes: true, terminal: false, expect: "go" },
  { command: "down", data: true, yes: true, terminal: true, expect: "go" },
  { command: "up", data: true, yes: true, terminal: false, expect: "go" },
  // No terminal: down and rollback refuse; up goes on unless data would go.
  { command: "down", data: false, terminal: false, expect: "refused" },
  { command: "rollback", data: false, terminal: false, expect: "refused" },
  { command: "up", data: false, terminal: false, expect: "go" },
  { command: "up", data: true, terminal: false, expect: "refused" },
  // A terminal: y/N without data, the typed name with it.
  { command: "down", data: false, terminal: true, answer: "y", expect: "go", asked: /^delete these objects\? \[y\/N\] $/ },
  { command: "down", data: false, terminal: true, answer: "yes", expect: "go", asked: /\[y\/N\]/ },
  { command: "down", data: false, terminal: true, answer: "", expect: "declined", asked: /\[y\/N\]/ },
  { command: "rollback", data: false, terminal: true, answer: "n", expect: "declined", asked: /^roll back with these changes\? \[y\/N\] $/ },
  { command: "up", data: false, terminal: true, answer: "y", expect: "go", asked: /^apply these changes\? \[y\/N\] $/ },
  { command: "down", data: true, terminal: true, answer: "shop/dev", expect: "go", asked: /Type shop\/dev to go ahead: $/ },
  { command: "down", data: true, terminal: true, answer: "y", expect: "refused", asked: /Type shop\/dev/ },
  { command: "up", data: true, terminal: true, answer: "shop/prod", expect: "refused", asked: /Type shop\/dev/ },
  { command: "rollback", data: true, terminal: true, answer: " shop/dev ", expect: "go", asked: /Type shop\/dev/ },
];

for (const row of ROWS)
  test(`${row.command}${row.data ? " with data" : ""}${row.pending === false ? ", nothing to do" : ""}${row.yes ? " --yes" : ""}, ${row.terminal ? `terminal answering "${row.answer ?? ""}"` : "no terminal"} → ${row.expect}`, async () => {
    const asked: string[] = [];
    let err = "";
    const io: CliIO = {
      interactive: row.terminal,
      out: () => undefined,
      err: (t) => void (err += t),
      ask: async (q) => {
        asked.push(q);
        return row.answer ?? "";
      },
    };
    const consent = await confirm({ command: row.command, name: "shop/dev", pending: row.pending ?? true, data: row.data ? [CLAIM] : [], listing: "LISTING" }, { yes: row.yes ?? false }, io);
    assert.equal(consent.go ? "go" : consent.status, row.expect);
    if (row.asked) {
      assert.equal(asked.length, 1);
      assert.match(asked[0]!, row.asked);
    } else assert.deepEqual(asked, [], "nobody is asked");
    if (consent.go === false && consent.status === "refused" && !row.terminal) assert.match(consent.message, /no terminal to ask on; nothing was changed\. Pass --yes/);
    if (asked.length || (!consent.go && !row.terminal)) assert.match(err, /LISTING/, "what would happen is shown first");
  });
