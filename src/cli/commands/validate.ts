import { validate } from "../../index.ts";
import { renderText, toJson } from "../../diagnostics/render.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";

export interface ValidateFlags {
  env?: string;
  set?: string[];
  json?: boolean;
}

/** Without --env: the base and every declared environment, each as build would see it. */
export function runValidate(path: string, flags: ValidateFlags, io: CliIO): number {
  const result = validate({ path, env: flags.env, set: flags.set });
  if (flags.json) {
    io.out(JSON.stringify({ ok: result.ok, environments: result.environments.map((e) => ({ environment: e.env, ok: !e.diagnostics.some((d) => d.severity === "error"), diagnostics: toJson(e.diagnostics) })) }, null, 2));
  } else {
    for (const e of result.environments) {
      const errors = e.diagnostics.filter((d) => d.severity === "error").length;
      if (e.diagnostics.length) io.err(`${e.env}:\n${renderText(e.diagnostics)}`);
      io.out(`${e.env}: ${errors ? "invalid" : "valid"}`);
    }
  }
  return result.ok ? EXIT.ok : EXIT.badInput;
}
