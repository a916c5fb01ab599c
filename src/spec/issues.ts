/** Turns zod issues into Diagnostics with the spec path, a location, what was expected and a hint. */
import type { z } from "zod";
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../util/did-you-mean.ts";
import { knownKeysAt } from "./json-schema.ts";
import { formatPath, type SpecPath } from "./path.ts";

export interface Locator {
  /** The scalar at `path` exactly as written in the file, when it was written there. */
  raw?(path: SpecPath): string | undefined;
  /** Where the value at `path` was written (walking up to the nearest written ancestor). */
  value(path: SpecPath): SourceLocation | undefined;
  /** Where the key naming `path` was written. */
  key(path: SpecPath): SourceLocation | undefined;
}

type Issue = z.core.$ZodIssue;

const YAML11_BOOLEANS = new Set(["yes", "no", "on", "off", "y", "n", "true", "false", "True", "False", "YES", "NO", "Yes", "No", "ON", "OFF", "On", "Off"]);

const describeValue = (v: unknown): string => {
  if (v === HIDDEN) return "a value (not shown: it may be a secret)";
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  return `the ${typeof v} ${String(v)}`;
};

const expectedText: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  record: "a mapping",
};

/** Values under env may be credentials written by mistake: messages never repeat them. */
const isSensitive = (path: SpecPath) => path.includes("env") || path.includes("secrets");

export function issueToDiagnostics(issue: Issue, locate: Locator): Diagnostic[] {
  const path = issue.path as SpecPath;
  if (isSensitive(path) && "input" in issue && issue.input !== undefined && (typeof issue.input !== "object" || issue.input === null)) {
    const hidden = { ...issue, input: HIDDEN } as Issue;
    return describeIssue(hidden, locate, path);
  }
  return describeIssue(issue, locate, path);
}

const HIDDEN = Symbol("hidden value");

function describeIssue(issue: Issue, locate: Locator, path: SpecPath): Diagnostic[] {
  const at = (p: SpecPath = path) => locate.value(p);
  const base = { severity: "error" as const, path: formatPath(path) };
  switch (issue.code) {
    case "invalid_type": {
      const input = (issue as { input?: unknown }).input;
      const expected = expectedText[issue.expected] ?? issue.expected;
      if (input === undefined) {
        return [{ ...base, code: "SPEC-REQUIRED", location: at(), message: `Required value: expected ${expected}`, hint: `add ${String(path.at(-1))}` }];
      }
      let hint: string | undefined;
      if (input === HIDDEN) hint = issue.expected === "string" ? "quote the value" : undefined;
      else if (issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")) {
        const written = locate.raw?.(path) ?? String(input);
        hint = `quote it: "${written}"${typeof input === "number" && written !== String(input) ? ` (unquoted, YAML reads ${written} as the number ${String(input)})` : ""}`;
      }
      else if (issue.expected === "boolean" && typeof input === "string" && YAML11_BOOLEANS.has(input))
        hint = `write true or false; YAML 1.2 reads "${input}" as a string`;
      else if ((issue.expected === "number" || issue.expected === "int") && typeof input === "string" && /^-?[0-9.]+$/.test(input))
        hint = `remove the quotes: ${input}`;
      return [{ ...base, code: "SPEC-TYPE", location: at(), message: `expected ${expected}, got ${describeValue(input)}`, hint }];
    }
    case "unrecognized_keys": {
      const known = knownKeysAt(path);
      return issue.keys.map((key) => ({
        ...base,
        path: formatPath([...path, key]),
        code: "SPEC-UNKNOWN-FIELD",
        location: locate.key([...path, key]) ?? at(),
        message: `unknown field "${key}"`,
        hint: secretValueHint(key) ?? didYouMean(key, known) ?? (known.length ? `allowed here: ${known.join(", ")}` : undefined),
      }));
    }
    case "invalid_value": {
      const input = (issue as { input?: unknown }).input;
      const values = issue.values.map((v) => JSON.stringify(v));
      const suggestion = typeof input === "string" ? didYouMean(input, issue.values.map(String)) : undefined;
      return [
        {
          ...base,
          code: "SPEC-ENUM",
          location: at(),
          message: `expected ${values.length === 1 ? values[0] : `one of ${values.join(", ")}`}, got ${describeValue(input)}`,
          hint: suggestion,
        },
      ];
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const word = issue.code === "too_small" ? "at least" : "at most";
      const input = (issue as { input?: unknown }).input;
      const what =
        issue.origin === "array" ? `${word} ${String(bound)} item(s)` : issue.origin === "string" ? `${word} ${String(bound)} character(s)` : `${word} ${String(bound)}`;
      const range = String(path.at(-1)).toLowerCase().includes("port") && issue.origin === "number" ? " (ports are 1–65535)" : "";
      return [{ ...base, code: "SPEC-RANGE", location: at(), message: `must be ${what}${range}, got ${describeValue(input)}` }];
    }
    case "invalid_key": {
      return issue.issues.flatMap((inner) =>
        issueToDiagnostics({ ...inner, path: [] } as Issue, {
          value: () => locate.key(path) ?? at(),
          key: () => locate.key(path),
        }).map((d) => ({ ...d, path: formatPath(path), code: d.code === "SPEC-TYPE" ? "SPEC-KEY" : d.code })),
      );
    }
    case "invalid_union":
      return unionDiagnostics(issue, locate);
    case "invalid_format":
    case "custom":
    default: {
      const hint = (issue as { params?: { hint?: string } }).params?.hint;
      return [{ ...base, code: issue.code === "custom" ? "SPEC-FORMAT" : "SPEC-INVALID", location: at(), message: issue.message, hint }];
    }
  }
}

/**
 * A value matching none of a union's shapes. When it is a mapping, the branch it resembles most explains it best
 * (fewest problems); a scalar where only mappings or strings fit gets the union's own message.
 */
function unionDiagnostics(issue: Extract<Issue, { code: "invalid_union" }>, locate: Locator): Diagnostic[] {
  const path = issue.path as SpecPath;
  const input = (issue as { input?: unknown }).input;
  const tagged = issue as { discriminator?: string; options?: unknown[] };
  if (tagged.discriminator && tagged.options) {
    // A discriminated union (component `type`): the path already ends at the tag.
    const value = typeof input === "object" && input !== null ? (input as Record<string, unknown>)[tagged.discriminator] : undefined;
    const allowed = tagged.options.map(String);
    return [
      {
        severity: "error",
        code: value === undefined ? "SPEC-REQUIRED" : "SPEC-ENUM",
        path: formatPath(path),
        location: locate.value(path),
        message: value === undefined ? `Required value: expected one of ${allowed.join(", ")}` : `expected one of ${allowed.join(", ")}, got ${describeValue(value)}`,
        hint: typeof value === "string" ? didYouMean(value, allowed) : `add ${tagged.discriminator}`,
      },
    ];
  }
  if (input === undefined) {
    // A required field left out: name what fits, as a plain field would (an image is "a string or a mapping").
    const kinds = [...new Set(issue.errors.flatMap((b) => b.filter((i) => i.code === "invalid_type" && i.path.length === 0).map((i) => (i as { expected: string }).expected)))];
    const expected = kinds.map((k) => (k === "object" ? "a mapping" : k === "string" ? "a string" : k)).join(" or ") || "a value";
    return [{ severity: "error", code: "SPEC-REQUIRED", path: formatPath(path), location: locate.value(path), message: `Required value: expected ${expected}`, hint: `add ${String(path.at(-1))}` }];
  }
  const branches = issue.errors.filter((b) => !(b.length === 1 && b[0]!.code === "invalid_type" && b[0]!.path.length === 0));
  if (typeof input === "object" && input !== null && !Array.isArray(input) && branches.length > 0) {
    const best = [...branches].sort((a, b) => a.length - b.length)[0]!;
    return best.flatMap((inner) => issueToDiagnostics({ ...inner, path: [...path, ...inner.path] } as Issue, locate));
  }
  const shapes = knownKeysAt(path);
  return [
    {
      severity: "error",
      code: "SPEC-TYPE",
      path: formatPath(path),
      location: locate.value(path),
      message: `expected ${issue.message !== "Invalid input" ? issue.message : `a string or a mapping with ${shapes.join(" / ")}`}, got ${describeValue(input)}`,
      hint: typeof input === "number" || typeof input === "boolean" ? `quote it: "${String(input)}"` : undefined,
    },
  ];
}

const secretValueHint = (key: string) =>
  /^(value|password|token|data|stringData)$/.test(key)
    ? "berth never takes secret values in the spec; declare the secret's keys and create its value outside the spec"
    : undefined;
