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

// The emitter builds strings by concatenation (cheap in V8) and renders each distinct key once: keys repeat in every
// object, and on platforms of thousands of objects the scalar tests were a large part of the time.
const keyText = new Map<string, string>();
const keyOf = (key: string): string => {
  let text = keyText.get(key);
  if (text === undefined) keyText.set(key, (text = `${scalar(key)}:`));
  return text;
};

const hasDefined = (m: Record<string, Data>, keys: readonly string[]): boolean => {
  for (const k of keys) if (m[k] !== undefined) return true;
  return false;
};

/** Called after "key:" or "-": the rest of the line and any nested lines. */
function emitValue(v: Data, indent: string): string {
  if (Array.isArray(v)) return v.length === 0 ? " []\n" : `\n${emitSeq(v, `${indent}  `)}`;
  if (isMap(v)) {
    const keys = Object.keys(v);
    return hasDefined(v, keys) ? `\n${emitMap(v, keys, `${indent}  `, false)}` : " {}\n";
  }
  if (typeof v === "string" && v.includes("\n")) return ` ${multiline(v, `${indent}  `)}\n`;
  return ` ${scalar(v as string | number | boolean | null)}\n`;
}

function emitMap(m: Record<string, Data>, keys: readonly string[], indent: string, firstInline: boolean): string {
  let out = "";
  let first = firstInline;
  for (const key of keys) {
    const v = m[key];
    if (v === undefined) continue;
    out += first ? keyOf(key) : indent + keyOf(key);
    first = false;
    out += emitValue(v, indent);
  }
  return out;
}

function emitSeq(items: Data[], indent: string): string {
  let out = "";
  for (const item of items) {
    if (isMap(item)) {
      const keys = Object.keys(item);
      if (hasDefined(item, keys)) {
        out += `${indent}- ${emitMap(item, keys, `${indent}  `, true)}`;
        continue;
      }
    }
    out += `${indent}-${emitValue(item, indent)}`;
  }
  return out;
}

/** One YAML document (without the `---` marker) for a plain-data value. */
export function toYaml(value: Data): string {
  return flat(emitDocument(value));
}

function emitDocument(value: Data): string {
  if (isMap(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0) return emitMap(value, keys, "", false);
  } else if (Array.isArray(value) && value.length > 0) return emitSeq(value, "");
  return emitValue(value, "").slice(1);
}

/** A string built by concatenation is a tree of pieces until read; one flat copy is smaller and cheap to keep. */
const flat = (s: string): string => {
  Number(s);
  return s;
};

const rendered = new WeakMap<object, string>();

/** toYaml for an object rendered more than once (manifests, then chart templates): computed once. */
export function cachedYaml(value: object): string {
  let text = rendered.get(value);
  if (text === undefined) rendered.set(value, (text = toYaml(value)));
  return text;
}
