import { join } from "node:path";
import { build, writeBuild } from "../../index.ts";
import { renderText, toJson } from "../../diagnostics/render.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";

export interface BuildFlags {
  env?: string;
  out?: string;
  set?: string[];
  json?: boolean;
}

export function runBuild(path: string, flags: BuildFlags, io: CliIO): number {
  const result = build({ path, env: flags.env, set: flags.set });
  const outDir = result.spec ? (flags.out ?? join("out", result.spec.platform.metadata.name, flags.env ?? "base")) : undefined;
  const written = outDir !== undefined && writeBuild(result, outDir);
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          ok: result.ok,
          environment: flags.env ?? null,
          outDir: written ? outDir : null,
          objects: result.resources?.length ?? 0,
          files: written ? result.files!.map((f) => f.path) : [],
          diagnostics: toJson(result.diagnostics),
        },
        null,
        2,
      ),
    );
  } else {
    if (result.diagnostics.length) io.err(renderText(result.diagnostics));
    if (written) io.out(`built ${result.spec!.platform.metadata.name}${flags.env ? ` (${flags.env})` : ""}: ${result.resources!.length} objects in ${result.files!.length} files → ${outDir}`);
    else io.err("build failed; nothing was written");
  }
  return written ? EXIT.ok : EXIT.badInput;
}
