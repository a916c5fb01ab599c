import { spawn } from "node:child_process";

/** berth as its own process (the sources through tsx), for signals and process death; output is collected. */
export function berthProcess(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main-process.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, exit, output: () => out };
}
