/**
 * A YAML emitter for plain data (maps, lists, strings, numbers, booleans, null), the only shapes Kubernetes objects
 * have. It is an order of magnitude faster than a general-purpose stringifier on large platforms, and conservative:
 * any string that a YAML 1.1 or 1.2 reader could take for something else is double-quoted (JSON escapes are valid
 * YAML). Round-trip tests hold it to the `yaml` parser.
 */

const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL = /^(?:true|false|yes|no|on|off|y|n|null|~|\.inf|-\.inf|\+\.inf|\.nan)$/i;

/** Names, labels, paths and images: the common case, answered without the full set of tests. */
const OBVIOUSLY_PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

/** Whether a single-line string can be written without quotes and still read back as the same string. */
export function isPlainSafe(s: string): boolean {
  if (OBVIOUSLY_PLAIN.test(s) && !SPECIAL.test(s)) return true;
  if (s === "" || INDICATOR_START.test(s) || /\s$/.test(s)) return false;
  if (SPECIAL.test(s) || NUMBER_LIKE.test(s) || /^0[xob]/i.test(s) || /^[0-9+-][0-9_]*(:[0-5]?[0-9])+/.test(s)) return false;
  if (/[\t\n\r\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  if (s.includes(": ") || s.includes(" #") || s.endsWith(":") || s === "<<") return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) return false;
  return true;
}

const quote = (s: string) => JSON.stringify(s);

function scalar(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : value > 0 ? ".inf" : value < 0 ? "-.inf" : ".nan";
  return isPlainSafe(value) ? value : quote(value);
}

/** A literal block (`|`, `|-`, `|+`) when the text allows one, else a quoted string. */
function multiline(s: string, indent: string): string {
  const body = s.replace(/\n+$/, "");
  const trailing = s.length - body.length;
  const lines = body.split("\n");
  if (/^\s/.test(lines[0] ?? "") || /[\r\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return quote(s);
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const extra = trailing > 1 ? "\n".repeat(trailing - 1) : "";
  return `|${chomp}\n${lines.map((l) => (l === "" ? "" : `${indent}${l}`)).join("\n")}${extra}`;
}

type Data = unknown;

const isMap = (v: Data): v is Record<string, Data> => typeof v === "object" && v !== null && !Array.isArray(v);

function emitValue(v: Data, indent: string, out: string[]): void {
  // Called after "key:" or "- ": writes the rest of the line and any nested lines.
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(" []\n");
    else {
      out.push("\n");
      emitSeq(v, `${indent}  `, out);
    }
  } else if (isMap(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) out.push(" {}\n");
    else {
      out.push("\n");
      emitMap(v, `${indent}  `, out);
    }
  } else if (typeof v === "string" && v.includes("\n")) out.push(` ${multiline(v, `${indent}  `)}\n`);
  else out.push(` ${scalar(v as string | number | boolean | null)}\n`);
}

function emitMap(m: Record<string, Data>, indent: string, out: string[], firstInline = false): void {
  let first = true;
  for (const key of Object.keys(m)) {
    const v = m[key];
    if (v === undefined) continue;
    out.push(first && firstInline ? "" : indent, scalar(key), ":");
    first = false;
    emitValue(v, indent, out);
  }
}

function emitSeq(items: Data[], indent: string, out: string[]): void {
  for (const item of items) {
    if (isMap(item) && Object.keys(item).some((k) => item[k] !== undefined)) {
      out.push(indent, "- ");
      emitMap(item, `${indent}  `, out, true);
    } else if (Array.isArray(item) && item.length > 0) {
      out.push(indent, "-");
      emitValue(item, indent, out);
    } else {
      out.push(indent, "-");
      emitValue(item, indent, out);
    }
  }
}

/** One YAML document (without the `---` marker) for a plain-data value. */
export function toYaml(value: Data): string {
  const out: string[] = [];
  if (isMap(value) && Object.keys(value).length > 0) emitMap(value, "", out);
  else if (Array.isArray(value) && value.length > 0) emitSeq(value, "", out);
  else {
    out.push("_");
    emitValue(value, "", out);
    return out.join("").slice(2);
  }
  return out.join("");
}

const rendered = new WeakMap<object, string>();

/** toYaml for an object rendered more than once (manifests, then chart templates): computed once. */
export function cachedYaml(value: object): string {
  let text = rendered.get(value);
  if (text === undefined) rendered.set(value, (text = toYaml(value)));
  return text;
}
