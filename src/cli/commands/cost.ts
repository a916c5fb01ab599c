import { azurePlans } from "../../index.ts";
import { renderText } from "../../diagnostics/render.ts";
import { estimate } from "../../cost/estimate.ts";
import { loadPrices } from "../../cost/load-prices.ts";
import { costJson } from "../../cost/render-json.ts";
import { renderOne, renderSideBySide } from "../../cost/render-text.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";

export interface CostFlags {
  /** One environment, or several separated by commas. */
  env?: string;
  compare?: boolean;
  prices?: string[];
  serverlessHours?: string;
  set?: string[];
  json?: boolean;
}

/**
 * Exit 0 with the estimate (also when a price is missing: the total says incomplete), 2 for a bad spec, an unknown
 * environment, or a --prices file that cannot be read or is not a Retail Prices export. Never touches the network.
 */
export function runCost(path: string, flags: CostFlags, io: CliIO): number {
  const activeHours = flags.serverlessHours === undefined ? undefined : Number(flags.serverlessHours);
  if (activeHours !== undefined && (!/^\d+(\.\d+)?$/.test(flags.serverlessHours!) || activeHours > 744)) {
    io.err(`berth: --serverless-hours: expected hours a month from 0 to 744, got "${flags.serverlessHours}" (730 prices a serverless database as never paused)`);
    return EXIT.badInput;
  }
  const loaded = loadPrices(flags.prices ?? []);
  const problems = loaded.diagnostics;
  if (!loaded.prices) {
    io.err(renderText(problems));
    io.err("no estimate: the --prices file(s) above cannot be used");
    return EXIT.badInput;
  }
  const envs = flags.env
    ?.split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const plans = azurePlans({ path, ...(envs?.length ? { envs: [...new Set(envs)] } : {}), ...(flags.set ? { set: flags.set } : {}) });
  if (!plans.ok) {
    io.err(renderText(plans.diagnostics));
    io.err("no estimate: the spec has errors");
    return EXIT.badInput;
  }
  if (problems.length) io.err(renderText(problems));
  if (!plans.declaresAzure) {
    const message = `nothing to price: ${path} declares no Azure resources (spec.azure); berth cost prices what berth creates in Azure`;
    if (flags.json) io.out(JSON.stringify({ platform: plans.platform ?? null, nothingToPrice: true, message }, null, 2));
    else io.out(message);
    return EXIT.ok;
  }
  const table = loaded.prices.table;
  const assumptions = { hoursPerMonth: table.hoursPerMonth, sqlServerlessActiveHours: activeHours ?? table.assumptions.sqlServerlessActiveHours };
  const report = {
    platform: plans.platform!,
    prices: loaded.prices,
    assumptions,
    estimates: plans.environments.map((e) => estimate(e.env, e.azure, loaded.prices!, assumptions)),
  };
  const sideBySide = flags.compare === true || report.estimates.length > 1;
  if (flags.json) io.out(JSON.stringify(costJson(report, sideBySide), null, 2));
  else io.out(sideBySide ? renderSideBySide(report) : renderOne(report, report.estimates[0]!));
  return EXIT.ok;
}
