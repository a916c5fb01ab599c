/**
 * Just enough PromQL reading to find the metric names an expression uses and the values it matches `job` against.
 * Not a parser: strings, label matchers, ranges and grouping clauses are masked, function names are skipped.
 */
const KEYWORDS = new Set([
  "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2",
  "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
  "inf", "nan",
]);

export interface JobMatcher {
  readonly op: "=" | "=~";
  readonly value: string;
}

export interface PromqlRefs {
  readonly metrics: string[];
  readonly jobs: JobMatcher[];
}

/** Whether a job matcher can select one of the given job names (regex matchers are anchored, as in PromQL). */
export const jobMatches = (m: JobMatcher, jobs: readonly string[]): boolean => {
  if (m.op === "=") return jobs.includes(m.value);
  try {
    const re = new RegExp(`^(?:${m.value})$`);
    return jobs.some((j) => re.test(j));
  } catch {
    return false;
  }
};

export function readPromql(expr: string): PromqlRefs {
  const jobs: JobMatcher[] = [];
  for (const m of expr.matchAll(/\bjob\s*(=~|=)\s*"([^"]*)"/g)) jobs.push({ op: m[1] as "=" | "=~", value: m[2]! });
  const masked = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const metrics = new Set<string>();
  for (const m of masked.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = m[0];
    const after = masked.slice(m.index + token.length).trimStart();
    const before = masked.slice(0, m.index);
    if (KEYWORDS.has(token) || after.startsWith("(")) continue;
    if (/[0-9.]$/.test(before)) continue; // a unit suffix such as 5m, or part of 1e3
    metrics.add(token);
  }
  return { metrics: [...metrics], jobs };
}
