import { parse as parseYamlValue } from "yaml";
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { hasErrors } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../util/did-you-mean.ts";
import { hasOwn, setOwn } from "../util/own.ts";
import { issueToDiagnostics, type Locator } from "./issues.ts";
import { parseYamlSource, readSpecSource, resolveSpecFile, type SourceDocument } from "./load-yaml.ts";
import { mergeOverlay, parseSetPath, setAtPath } from "./merge.ts";
import { formatPath, pathKey, type SpecPath } from "./path.ts";
import { checkSpecRules } from "./rules/index.ts";
import { withAzureNames } from "./azure-naming.ts";
import { API_VERSION, KIND, PlatformSchema, type Platform } from "./schema.ts";

export interface ResolveOptions {
  /** Environment overlay to apply (spec.environments.<env>). */
  readonly env?: string;
  /** `path=value` overrides, applied after the environment. */
  readonly set?: readonly string[];
}

/** The spec for one environment: typed, defaulted, checked, with a way back to where each value was written. */
export interface ResolvedSpec {
  readonly platform: Platform;
  readonly env?: string;
  readonly file: string;
  readonly locate: Locator;
}

export interface ResolveResult {
  readonly spec?: ResolvedSpec;
  readonly diagnostics: Diagnostic[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function loadSource(pathArg: string): { source?: SourceDocument; diagnostics: Diagnostic[] } {
  const file = resolveSpecFile(pathArg);
  const read = readSpecSource(file);
  if (read.text === undefined) return { diagnostics: read.diagnostics };
  const parsed = parseYamlSource(file, read.text);
  return { source: parsed.doc, diagnostics: parsed.diagnostics };
}

/** Names of the environments a source declares (for `validate` of every environment). */
export function declaredEnvironments(source: SourceDocument): string[] {
  const envs = (source.data as { spec?: { environments?: unknown } } | null)?.spec?.environments;
  return isMap(envs) ? Object.keys(envs) : [];
}

export function resolveSpec(source: SourceDocument, options: ResolveOptions = {}): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const setLocations = new Map<string, SourceLocation>();
  const overlayRoot: SpecPath | undefined = options.env ? ["spec", "environments", options.env] : undefined;

  const baseValue = (p: SpecPath) => source.valueAt(p);
  const locateValue = (p: SpecPath): SourceLocation | undefined => {
    for (let n = p.length; n >= 0; n--) {
      const head = p.slice(0, n);
      const set = setLocations.get(pathKey(head));
      if (set) return set;
      if (overlayRoot && head[0] === "spec" && head.length >= 1) {
        const o = baseValue([...overlayRoot, ...head.slice(1)]);
        if (o) return o;
      }
      const b = baseValue(head);
      if (b) return b;
    }
    return undefined;
  };
  const locateKey = (p: SpecPath): SourceLocation | undefined => {
    const set = setLocations.get(pathKey(p));
    if (set) return set;
    if (overlayRoot && p[0] === "spec") {
      const o = source.keyAt([...overlayRoot, ...p.slice(1)]);
      if (o) return o;
    }
    return source.keyAt(p) ?? locateValue(p);
  };
  const raw = (p: SpecPath): string | undefined => {
    const at = locateValue(p);
    if (!at || at.file !== source.file) return undefined;
    return /^[^\s#,\]}]+/.exec(source.lines[at.line - 1]?.slice(at.col - 1) ?? "")?.[0];
  };
  const locate: Locator = { value: locateValue, key: locateKey, raw };

  const data = source.data;
  if (!isMap(data)) {
    return { diagnostics: [{ severity: "error", code: "SPEC-TYPE", path: "(document)", location: baseValue([]), message: `expected a mapping (apiVersion, kind, metadata, spec), got ${Array.isArray(data) ? "a list" : "a value"}` }] };
  }
  const versionProblem = checkApiVersion(data, locate);
  if (versionProblem) return { diagnostics: [versionProblem] };

  let document: Record<string, unknown> = data;
  const spec = data.spec;
  if (options.env !== undefined) {
    const envs = isMap(spec) && isMap(spec.environments) ? spec.environments : {};
    const overlay = envs[options.env];
    if (!hasOwn(envs, options.env)) {
      const names = Object.keys(envs);
      return {
        diagnostics: [
          {
            severity: "error",
            code: "SPEC-UNKNOWN-ENVIRONMENT",
            path: `spec.environments.${options.env}`,
            location: baseValue(["spec", "environments"]) ?? baseValue(["spec"]),
            message: `environment "${options.env}" is not declared${names.length ? ` (declared: ${names.join(", ")})` : ""}`,
            hint: didYouMean(options.env, names) ?? "add it under spec.environments, or leave out --env to build the base",
          },
        ],
      };
    }
    if (overlay !== null && overlay !== undefined && !isMap(overlay)) {
      diagnostics.push({ severity: "error", code: "SPEC-TYPE", path: formatPath(overlayRoot!), location: baseValue(overlayRoot!), message: "expected a mapping (a partial spec)" });
    } else if (isMap(spec)) {
      const { environments, ...baseSpec } = spec;
      const merged = mergeOverlay(baseSpec, overlay ?? {}, ["spec"], overlayRoot!, (p) => source.valueAt(p), diagnostics) as Record<string, unknown>;
      document = { ...data, spec: { ...merged, environments } };
    }
  }

  if (options.set?.length) {
    document = structuredClone(document);
    options.set.forEach((arg, i) => {
      const eq = arg.indexOf("=");
      const where: SourceLocation = { file: `--set[${i + 1}]`, line: 1, col: eq + 2 };
      const path = eq > 0 ? parseSetPath(arg.slice(0, eq)) : undefined;
      if (!path) {
        const shown = eq > 0 ? arg.slice(0, eq) : arg.slice(0, 80);
        diagnostics.push({ severity: "error", code: "SPEC-SET", path: shown, location: { ...where, col: 1 }, message: eq > 0 ? `"${shown}" is not a path` : `expected path=value, got "${shown}"`, hint: "e.g. --set apps.qna.replicas=3 or --set 'apps.qna.env[LOG_LEVEL]=debug'" });
        return;
      }
      // The value is read as YAML (3 is a number, null removes the key); an empty value is the empty string.
      const text = arg.slice(eq + 1);
      let value: unknown = text;
      try {
        if (text !== "") value = parseYamlValue(text);
      } catch {
        value = text;
      }
      const problem = setAtPath(document, path, value);
      if (problem) diagnostics.push({ severity: "error", code: "SPEC-SET", path: formatPath(path), location: where, message: problem });
      else setLocations.set(pathKey(path), where);
    });
  }
  document = movedPaths(document, locate, diagnostics);
  // Merge and --set problems do not stop the schema check: every problem is reported in one run.
  const parsed = PlatformSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    return { diagnostics: [...diagnostics, ...parsed.error.issues.flatMap((issue) => issueToDiagnostics(issue, locate))] };
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  const platform = parsed.data.spec.azure
    ? { ...parsed.data, spec: { ...parsed.data.spec, azure: withAzureNames(parsed.data.spec.azure, parsed.data.metadata.name, options.env) } }
    : parsed.data;
  const resolved: ResolvedSpec = { platform, env: options.env, file: source.file, locate };
  diagnostics.push(...checkSpecRules(resolved));
  return { spec: resolved, diagnostics };
}

function checkApiVersion(raw: Record<string, unknown>, locate: Locator): Diagnostic | undefined {
  const v = raw.apiVersion;
  if (typeof v !== "string" || v === API_VERSION) {
    if (v === API_VERSION && raw.kind !== undefined && raw.kind !== KIND && typeof raw.kind === "string")
      return { severity: "error", code: "SPEC-KIND", path: "kind", location: locate.value(["kind"]), message: `expected kind "${KIND}", got "${raw.kind}"` };
    return undefined;
  }
  const m = /^berth\.dev\/(v[0-9]+(?:(alpha|beta)[0-9]+)?)$/.exec(v);
  return {
    severity: "error",
    code: "SPEC-UNSUPPORTED-VERSION",
    path: "apiVersion",
    location: locate.value(["apiVersion"]),
    message: m
      ? `unsupported version "${v}": this berth reads ${API_VERSION} only and will not guess at another version's meaning`
      : `expected apiVersion "${API_VERSION}", got "${v}"`,
    hint: m ? "upgrade berth, or write the spec for berth.dev/v1alpha1" : `set apiVersion: ${API_VERSION}`,
  };
}

/** Fields that moved: the old place is an error naming the new one (and is dropped, so the rest is still checked). */
const MOVED: Readonly<Record<string, string>> = { namespace: "kubernetes.namespace", namespaces: "kubernetes.namespaces", openshift: "kubernetes.openshift" };

function movedPaths(document: Record<string, unknown>, locate: Locator, diagnostics: Diagnostic[]): Record<string, unknown> {
  const spec = document.spec;
  if (!isMap(spec) || !Object.keys(MOVED).some((k) => hasOwn(spec, k))) return document;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    const to = hasOwn(MOVED, key) ? MOVED[key] : undefined;
    if (to === undefined) {
      setOwn(kept, key, value);
      continue;
    }
    diagnostics.push({
      severity: "error",
      code: "SPEC-MOVED",
      path: `spec.${key}`,
      location: locate.key(["spec", key]),
      message: `spec.${key} has moved to spec.${to}: it only concerns Kubernetes, and a platform may have no cluster`,
      hint: `write it under spec.kubernetes (kubernetes: { ${key}: ... }), or --set ${to}=...`,
    });
  }
  return { ...document, spec: kept };
}
