import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CheckInput, specCheckInput } from "../../checks/check.ts";
import type { Diagnostic, Severity } from "../../diagnostics/diagnostic.ts";
import { sortDiagnostics } from "../../diagnostics/diagnostic.ts";
import { build, specLintOptions } from "../../index.ts";
import { lintJson, lintSarif, lintText } from "../../lint/format.ts";
import { atOrAbove, lint, type RuleGroup } from "../../lint/run.ts";
import { readInputs, readObjects } from "../../lint/sources.ts";
import { SPEC_FILE_NAME } from "../../spec/load-yaml.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";

export interface LintFlags {
  env?: string;
  set?: string[];
  level?: "baseline" | "restricted";
  only?: RuleGroup;
  format?: "text" | "json" | "sarif";
  failOn?: Severity;
  kubernetesVersion?: string;
}

const isSpec = (p: string) => p.endsWith(SPEC_FILE_NAME) || (existsSync(p) && statSync(p).isDirectory() && existsSync(join(p, SPEC_FILE_NAME)));

/** Lints a berth spec (what build would produce) or any Kubernetes YAML: files, folders, `-` for stdin. */
export function runLint(paths: string[], flags: LintFlags, io: CliIO, stdin: () => string = () => readFileSync(0, "utf8")): number {
  const findings: Diagnostic[] = [];
  let inputProblems = false;
  const specs = paths.filter(isSpec);
  for (const p of specs) {
    const result = build({ path: p, env: flags.env, set: flags.set });
    if (!result.spec || !result.resources) {
      findings.push(...result.diagnostics);
      inputProblems = true;
      continue;
    }
    findings.push(...lint(specCheckInput(result.spec, result.resources, result.secrets), { ...flags, ...specLintOptions(result.spec) }));
  }
  const yamlPaths = paths.filter((p) => !isSpec(p));
  if (yamlPaths.length || paths.length === 0) {
    const { inputs, diagnostics } = readInputs(yamlPaths.length ? yamlPaths : ["-"], stdin);
    const read = readObjects(inputs);
    findings.push(...diagnostics, ...read.diagnostics);
    inputProblems ||= [...diagnostics, ...read.diagnostics].some((d) => d.severity === "error");
    // An empty stream is most often a render that failed before the pipe (`helm template … | berth lint`): not a pass.
    if (!inputProblems && read.objects.length === 0) {
      findings.push({ severity: "error", code: "LINT-EMPTY", path: (yamlPaths.length ? yamlPaths : ["(stdin)"]).join(", "), message: "no Kubernetes objects to check", hint: "an empty input often means the command before the pipe failed; check its output" });
      inputProblems = true;
    }
    const where = new Map(read.objects.map((o) => [o.resource, o]));
    const input: CheckInput = {
      resources: read.objects.map((o) => o.resource),
      facts: { kubernetesVersion: flags.kubernetesVersion ?? "1.31", versionSource: "flag", declaredSecrets: {}, unknownKinds: "warn" },
      locate: (r) => {
        const o = where.get(r);
        return o ? { path: o.file, location: { file: o.file, line: o.line, col: 1 } } : { path: "(input)" };
      },
    };
    findings.push(...lint(input, flags));
  }
  const sorted = sortDiagnostics(findings);
  if (flags.format === "json") io.out(lintJson(sorted));
  else if (flags.format === "sarif") io.out(lintSarif(sorted, "0.1.0"));
  else io.out(lintText(sorted));
  return inputProblems || sorted.some((d) => atOrAbove(d, flags.failOn ?? "error")) ? EXIT.badInput : EXIT.ok;
}
