/**
 * The prices an estimate uses: the shipped table, then each --prices file in the order given, a later file's prices
 * replacing an earlier one's. Reading the files is the only I/O of an estimate.
 */
import { readFileSync } from "node:fs";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { hasErrors } from "../diagnostics/diagnostic.ts";
import { shippedPrices, type Prices } from "./price-table.ts";
import { parseExport, pricesFileProblem, withExport } from "./retail-export.ts";

const READ_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: "does not exist",
  EISDIR: "is a folder, not a file",
  EACCES: "cannot be read (permission denied)",
  EPERM: "cannot be read (operation not permitted)",
};

export function loadPrices(files: readonly string[]): { prices?: Prices; diagnostics: Diagnostic[] } {
  let prices = shippedPrices();
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      diagnostics.push(pricesFileProblem(file, "COST-PRICES-READ", READ_PROBLEMS[code] ?? `cannot be read (${code || (error as Error).message})`, "name a JSON file saved from https://prices.azure.com/api/retail/prices"));
      continue;
    }
    const parsed = parseExport(text, file);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.export) continue;
    const merged = withExport(prices, parsed.export, file);
    diagnostics.push(...merged.diagnostics);
    if (merged.prices) prices = merged.prices;
  }
  return hasErrors(diagnostics) ? { diagnostics } : { prices, diagnostics };
}
