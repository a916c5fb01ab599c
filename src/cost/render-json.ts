/**
 * `berth cost --json`: every resource of each environment's plan with its SKU, quantity, unit price and monthly
 * amount (dollars, rounded to cents as the text shows them), the monthly total per environment and, for several
 * environments, the difference of each from the first. Ranges are `{ low, high }` even when both are equal, so a
 * reader has one shape to handle.
 */
import type { CostItem, CostReport, EnvEstimate } from "./estimate.ts";
import type { Range } from "./meters.ts";
import { dollars } from "./money.ts";

const range = (r: Range, f: (n: number) => number = (n) => n) => ({ low: f(r.low), high: f(r.high) });

const item = (i: CostItem) => ({
  resource: i.resource,
  ...(i.part ? { part: i.part } : {}),
  type: i.type,
  name: i.name,
  ...(i.location ? { location: i.location } : {}),
  basis: i.basis,
  ...(i.sku !== undefined ? { sku: i.sku } : {}),
  ...(i.meter ? { meter: i.meter } : {}),
  ...(i.count ? { count: range(i.count), countUnit: i.countUnit } : {}),
  ...(i.hours !== undefined ? { hours: i.hours } : {}),
  ...(i.quantity ? { quantity: range(i.quantity, (n) => Math.round(n * 1000) / 1000), unit: i.unit } : {}),
  ...(i.unitPrice !== undefined ? { unitPrice: i.unitPrice, priceFrom: i.priceFrom } : {}),
  monthly: i.monthlyCents ? range(i.monthlyCents, dollars) : null,
  ...(i.note ? { note: i.note } : {}),
});

const environment = (e: EnvEstimate) => ({ environment: e.env, resources: e.items.map(item), total: range(e.totalCents, dollars), complete: e.complete });

function common(report: CostReport) {
  const t = report.prices.table;
  return {
    platform: report.platform,
    currency: t.currency,
    prices: { date: t.date, origin: t.origin, source: t.source, files: report.prices.files.map((f) => ({ file: f.file, prices: f.prices })) },
    assumptions: { hoursPerMonth: report.assumptions.hoursPerMonth, sqlServerlessActiveHours: report.assumptions.sqlServerlessActiveHours },
  };
}

export function costJson(report: CostReport, sideBySide: boolean): unknown {
  const [first] = report.estimates;
  if (!sideBySide && report.estimates.length === 1) return { ...common(report), ...environment(first!) };
  return {
    ...common(report),
    environments: report.estimates.map(environment),
    differences: report.estimates.slice(1).map((e) => ({
      environment: e.env,
      from: first!.env,
      monthly: range({ low: e.totalCents.low - first!.totalCents.low, high: e.totalCents.high - first!.totalCents.high }, dollars),
    })),
  };
}
