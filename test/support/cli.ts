import { spawn } from "node:child_process";
import { berthBundle } from "./berth-bundle.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a berth command in-process and captures what it printed. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    out: (t) => {
      stdout += t.endsWith("\n") ? t : `${t}\n`;
    },
    err: (t) => {
      stderr += t.endsWith("\n") ? t : `${t}\n`;
    },
  });
  return { code, stdout, stderr };
}

export const tempDir = (prefix = "berth-test-"): string => mkdtempSync(join(tmpdir(), prefix));

/**
 * Runs a berth command as its own process (the current sources, bundled once per test process), with extra environment: what a test needs when
 * berth must trust a test server's certificate (NODE_EXTRA_CA_CERTS is read at process start only).
 */
export function runCliProcess(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [berthBundle(), ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? -1 : 1), stdout, stderr }));
  });
}
