/**
 * `berth cost` as text: one environment as a table of its billed lines, or several side by side with their totals
 * and the difference from the first. Everything shown is computed in estimate.ts; this only lays it out.
 */
import type { Assumptions, CostItem, CostReport, EnvEstimate } from "./estimate.ts";
import type { Range } from "./meters.ts";
import { money, unitPrice } from "./money.ts";

/** What berth knows exists but cannot price from the plan: said every time, so a total is not read as the bill. */
const NOT_PRICED =
  "not priced: node OS disks, the load balancer and public IPs AKS creates, Kubernetes volumes (Azure Disks/Files), bandwidth, backups beyond the free allowance, monitoring";

const UNIT_SHORT: Readonly<Record<string, string>> = { hour: "h", day: "day", month: "month", "GB-month": "GB-month", "10K operations": "10K operations" };

/** Units of measure (GB) stay as they are; counted things (node, vCore) take an s. */
const plural = (n: number, word: string) => (n === 1 || /^[A-Z]+$/.test(word) ? word : `${word}s`);
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const rangeText = (r: Range) => (r.low === r.high ? num(r.low) : `${num(r.low)}–${num(r.high)}`);
const billed = (items: readonly CostItem[]) => items.filter((i) => i.basis !== "free" && i.basis !== "existing");
const rowLabel = (i: CostItem) => (i.part ? `${i.resource} ${i.part}` : i.resource);

/** Columns padded to their widest cell; amounts (the `rightAligned` columns) line up on the right. */
function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => `  ${r.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("   ")}`.trimEnd());
}

function quantityText(i: CostItem, assumptions: Assumptions): string {
  if (i.basis === "usage") return "usage-based";
  if (!i.count || !i.unit) return "";
  const counted = `${rangeText(i.count)} ${plural(i.count.high, i.countUnit ?? "")}`;
  if (i.unit === "hour") return `${counted} × ${num(i.hours ?? assumptions.hoursPerMonth)} h${i.basis === "assumed" || (i.hours !== undefined && i.hours !== assumptions.hoursPerMonth) ? " *" : ""}`;
  if (i.unit === "day") return `${counted} × ${num(assumptions.hoursPerMonth / 24)} days`;
  return counted;
}

const priceText = (i: CostItem, currency: string) =>
  i.unitPrice === undefined ? "" : `${unitPrice(i.unitPrice, currency)}/${UNIT_SHORT[i.unit ?? ""] ?? i.unit}${i.priceFrom && i.priceFrom !== "table" ? " †" : ""}`;

const monthlyText = (i: CostItem, currency: string) => (i.basis === "missing" ? "no price" : i.monthlyCents ? money(i.monthlyCents, currency) : "");

function header(report: CostReport, what: string): string[] {
  const { table: t, files } = report.prices;
  const imported = files.map((f) => `${f.prices} ${plural(f.prices, "price")} from ${f.file}`).join(", ");
  return [`${report.platform} · ${what} · estimated monthly cost in ${t.currency} (${num(report.assumptions.hoursPerMonth)} h a month)`, `prices: berth's table of ${t.date} (${t.origin})${imported ? `; ${imported} (--prices)` : ""}`, ""];
}

const totalText = (e: EnvEstimate, currency: string) => `${money(e.totalCents, currency)}${e.complete ? "" : " (incomplete)"}`;

/** The notes under the table: assumptions, usage-only charges, prices taken from exports, what has no charge. */
function notes(estimates: readonly EnvEstimate[], report: CostReport, withFree: boolean): string[] {
  const items = estimates.flatMap((e) => e.items);
  const out: string[] = [];
  const currency = report.prices.table.currency;
  if (items.some((i) => i.basis === "autoscaled")) out.push("low–high: autoscaled node pools at their minimum–maximum node count");
  if (items.some((i) => i.basis === "assumed"))
    out.push(`* serverless SQL: assumed busy ${num(report.assumptions.sqlServerlessActiveHours)} h a month at its maximum vCores and auto-paused the rest (--serverless-hours N)`);
  const usage = new Map<string, string>();
  for (const i of items.filter((i) => i.basis === "usage"))
    usage.set(rowLabel(i), i.unitPrice !== undefined ? `${unitPrice(i.unitPrice, currency)} per ${i.unit}` : (i.note ?? "").replace(/^usage-based: /, ""));
  if (usage.size) out.push(`usage-based, $0 above: ${[...usage].map(([label, what]) => `${label} (${what})`).join("; ")}`);
  if (report.prices.files.length && items.some((i) => i.priceFrom && i.priceFrom !== "table")) out.push("† price from a --prices export");
  const missing = [...new Set(items.filter((i) => i.basis === "missing").map((i) => `${rowLabel(i)}: ${i.note}`))];
  if (missing.length) out.push(`incomplete, ${missing.length} ${plural(missing.length, "line")} without a price:`, ...missing.map((m) => `  ${m}`));
  const existing = [...new Set(items.filter((i) => i.basis === "existing").map((i) => i.resource))];
  if (existing.length) out.push(`existing (not created by berth), not priced: ${existing.join(", ")}`);
  if (withFree) {
    const free = new Map<string, number>();
    for (const i of items.filter((i) => i.basis === "free")) free.set(i.note ?? i.type, (free.get(i.note ?? i.type) ?? 0) + 1);
    if (free.size) out.push(`no charge: ${[...free].map(([what, n]) => `${n} ${plural(n, what)}`).join(", ")}`);
  }
  out.push(NOT_PRICED);
  return out;
}

export function renderOne(report: CostReport, e: EnvEstimate): string {
  const currency = report.prices.table.currency;
  const rows = [
    ["RESOURCE", "SKU / SIZE", "QUANTITY", "UNIT PRICE", "MONTHLY"],
    ...billed(e.items).map((i) => [rowLabel(i), i.sku ?? "", quantityText(i, report.assumptions), priceText(i, currency), monthlyText(i, currency)]),
  ];
  rows.push(["total", "", "", "", totalText(e, currency)]);
  const lines = table(rows, new Set([4]));
  return [...header(report, e.env), ...lines, "", ...notes([e], report, true)].join("\n");
}

/** A side-by-side cell's SKU: node counts in front, `Standard_` left out (the column is narrow). */
function shortSku(i: CostItem): string {
  const sku = (i.sku ?? "").replace(/^Standard_/, "").replace(/ Standard_/, " ");
  const counted = i.countUnit === "node" && i.count ? `${rangeText(i.count)}× ${sku}` : sku;
  return i.basis === "assumed" ? `${counted} *` : counted;
}

export function renderSideBySide(report: CostReport): string {
  const currency = report.prices.table.currency;
  const { estimates } = report;
  const labels: string[] = [];
  for (const e of estimates) for (const i of billed(e.items)) if (!labels.includes(rowLabel(i))) labels.push(rowLabel(i));
  const cell = (e: EnvEstimate, label: string): [string, string] => {
    const i = billed(e.items).find((x) => rowLabel(x) === label);
    return i ? [shortSku(i), monthlyText(i, currency)] : ["—", ""];
  };
  const first = estimates[0]!;
  const diff = (e: EnvEstimate): Range => ({ low: e.totalCents.low - first.totalCents.low, high: e.totalCents.high - first.totalCents.high });
  const rows: string[][] = [
    ["", ...estimates.flatMap((e) => [e.env, ""])],
    ...labels.map((label) => [label, ...estimates.flatMap((e) => cell(e, label))]),
    ["total", ...estimates.flatMap((e) => ["", totalText(e, currency)])],
    ...(estimates.length > 1 ? [[`vs ${first.env}`, ...estimates.flatMap((e) => ["", e === first ? "" : money(diff(e), currency, true)])]] : []),
  ];
  const lines = table(rows, new Set(estimates.map((_, n) => 2 + 2 * n)));
  return [...header(report, estimates.map((e) => e.env).join(" · ")), ...lines, "", ...notes(estimates, report, false)].join("\n");
}
