/**
 * berth cost: the estimate of examples/datasurface-airflow (seed 003) per environment and side by side, the JSON of a
 * small spec with a size the table lacks, a Retail Prices export over the table, bad input, and a spec with nothing
 * to price. The network is closed for the whole file: the shipped table and --prices files are the only sources.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { assertGolden } from "../support/golden.ts";
import { runCli, tempDir } from "../support/cli.ts";

const DIR = "test/acceptance/cost";
const EXAMPLE = "examples/datasurface-airflow";
const EXPORT = join(DIR, "retail-export.json");
const DIAGNOSTIC_LINE = /^(\S+):(\d+):(\d+): (error|warning) ([A-Z0-9-]+) (\S+)/;

interface Money {
  low: number;
  high: number;
}
interface Item {
  resource: string;
  part?: string;
  basis: string;
  sku?: string;
  unitPrice?: number;
  priceFrom?: string;
  monthly: Money | null;
  note?: string;
}
interface EnvJson {
  environment: string;
  resources: Item[];
  total: Money;
  complete: boolean;
}

const line = (e: EnvJson, resource: string, part?: string) => e.resources.find((i) => i.resource === resource && i.part === part)!;

const realFetch = globalThis.fetch;
const realConnect = net.Socket.prototype.connect;
before(() => {
  globalThis.fetch = () => Promise.reject(new Error("berth cost must not use the network"));
  net.Socket.prototype.connect = function () {
    throw new Error("berth cost must not open a connection");
  } as typeof net.Socket.prototype.connect;
});
after(() => {
  globalThis.fetch = realFetch;
  net.Socket.prototype.connect = realConnect;
});

describe("berth cost", () => {
  it("prices one environment: each billed line, the total as a range, the table's date, what is not priced", async () => {
    const run = await runCli(["cost", EXAMPLE, "--env", "dev"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assertGolden(join(DIR, "datasurface-dev.txt"), run.stdout);
  });

  it("prints every environment side by side with totals and the difference from the first", async () => {
    const run = await runCli(["cost", EXAMPLE]);
    assert.equal(run.code, 0, run.stderr);
    assertGolden(join(DIR, "datasurface-compare.txt"), run.stdout);
  });

  it("dev, the environment sized like seed 003, comes out within the seed's own ~$383–460/month at its minimum nodes", async () => {
    const run = await runCli(["cost", EXAMPLE, "--env", "dev,qa,prod", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { environments: EnvJson[]; differences: { environment: string; from: string; monthly: Money }[] };
    const [dev, qa, prod] = json.environments;
    assert.deepEqual(
      json.environments.map((e) => e.environment),
      ["dev", "qa", "prod"],
    );
    // Seed 003's table: AKS free tier $0, 3× D4s nodes ~$300, PostgreSQL B1ms ~$25, SQL ~$30, Key Vault ~$1, 2 DNS
    // zones ~$2 … total ~$383–460. dev: Free tier, D4s_v5 nodes (2 at minimum, 3 at maximum), B1ms, 2 zones.
    assert.ok(dev!.total.low >= 383 && dev!.total.low <= 460, `dev at minimum nodes: $${dev!.total.low}`);
    assert.equal(line(dev!, "aks.main").monthly!.low, 0, "Free tier, as the seed's");
    assert.equal(line(dev!, "aks.main", "pool system").sku, "Standard_D4s_v5");
    const pg = line(dev!, "postgres.meta", "compute").monthly!.low + line(dev!, "postgres.meta", "storage").monthly!.low;
    assert.ok(pg > 12 && pg <= 25, `PostgreSQL B1ms with 32 GB: $${pg} (seed: ~$25)`);
    assert.equal(line(dev!, "postgres.meta", "DNS zone").monthly!.low + line(dev!, "sql.merge.privateEndpoint", "DNS zone").monthly!.low, 1, "2 private DNS zones at $0.50");
    // The sizes grow dev → qa → prod, and so do the totals and their differences.
    assert.ok(dev!.total.low < qa!.total.low && qa!.total.low < prod!.total.low);
    assert.deepEqual(
      json.differences.map((d) => [d.environment, d.from, d.monthly.low]),
      [
        ["qa", "dev", Math.round((qa!.total.low - dev!.total.low) * 100) / 100],
        ["prod", "dev", Math.round((prod!.total.low - dev!.total.low) * 100) / 100],
      ],
    );
    for (const e of json.environments) assert.ok(e.complete, `${e.environment}: every line has a price`);
  });

  it("--json of a small spec: every resource with sku, quantity, unit price and monthly; a missing price makes it incomplete", async () => {
    const run = await runCli(["cost", join(DIR, "small"), "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assertGolden(join(DIR, "small.json"), run.stdout);
    const json = JSON.parse(run.stdout) as EnvJson;
    assert.equal(json.complete, false);
    assert.equal(line(json, "aks.main", "pool gpu").note, "no price for Standard_NC6s_v3 in westeurope (table of 2026-11-29); pass --prices");
    assert.equal(line(json, "aks.main", "pool gpu").monthly, null);
    const text = await runCli(["cost", join(DIR, "small")]);
    assert.match(text.stdout, /aks\.main pool gpu +Standard_NC6s_v3 +0–2 nodes × 730 h +no price\n/);
    assert.match(text.stdout, /total +\$240\.90 \(incomplete\)\n/);
    assert.match(text.stdout, /existing \(not created by berth\), not priced: keyVaults\.shared\n/);
  });

  it("--prices: a Retail Prices export's pay-as-you-go Linux price replaces the table's; Windows, Spot and dev/test items do not", async () => {
    const run = await runCli(["cost", EXAMPLE, "--env", "dev", "--prices", EXPORT, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as EnvJson & { prices: { files: { file: string; prices: number }[] } };
    assert.deepEqual(json.prices.files, [{ file: EXPORT, prices: 2 }]);
    const pool = line(json, "aks.main", "pool system");
    assert.deepEqual([pool.unitPrice, pool.priceFrom, pool.monthly], [0.25, EXPORT, { low: 182.5, high: 182.5 }]);
    assert.deepEqual([line(json, "registries.main").unitPrice, line(json, "registries.main").priceFrom], [0.18, EXPORT]);
    assert.equal(line(json, "postgres.meta", "compute").priceFrom, "table", "what the export lacks stays the table's");
    assert.deepEqual(json.total, { low: 458.73, high: 641.23 });
    const text = await runCli(["cost", EXAMPLE, "--env", "dev", "--prices", EXPORT]);
    assert.match(text.stdout, /^prices: berth's table of 2026-11-29 \(hand-entered list prices\); 2 prices from test\/acceptance\/cost\/retail-export\.json \(--prices\)$/m);
    assert.match(text.stdout, /aks\.main pool system +Standard_D4s_v5 +1 node × 730 h +\$0\.25\/h † +\$182\.50\n/);
  });

  it("a spec without azure: says there is nothing to price", async () => {
    const run = await runCli(["cost", "examples/starter"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "nothing to price: examples/starter declares no Azure resources (spec.azure); berth cost prices what berth creates in Azure\n");
  });
});

describe("berth cost: bad input (exit 2, located, no stack trace)", () => {
  const dir = tempDir("berth-cost-");
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const cases: { name: string; args: () => string[]; code: string; at?: string }[] = [
    { name: "an environment the spec does not declare", args: () => [EXAMPLE, "--env", "dev,staging"], code: "SPEC-UNKNOWN-ENVIRONMENT", at: `${EXAMPLE}/berth.yaml:` },
    { name: "a --prices file that does not exist", args: () => [EXAMPLE, "--prices", join(dir, "missing.json")], code: "COST-PRICES-READ", at: `${join(dir, "missing.json")}:1:1` },
    { name: "a --prices folder", args: () => [EXAMPLE, "--prices", dir], code: "COST-PRICES-READ", at: `${dir}:1:1` },
    { name: "a --prices file that is not JSON", args: () => [EXAMPLE, "--prices", write("broken.json", '{ "Items": [\n  { "a": 1 },\n  { "b": }\n]}')], code: "COST-PRICES-JSON", at: `${join(dir, "broken.json")}:3:10` },
    { name: "JSON that is not a Retail Prices export", args: () => [EXAMPLE, "--prices", write("other.json", '{ "value": [] }')], code: "COST-PRICES-SHAPE", at: `${join(dir, "other.json")}:1:1` },
    {
      name: "an export in another currency",
      args: () => [EXAMPLE, "--prices", write("eur.json", JSON.stringify({ BillingCurrency: "EUR", Items: [{ currencyCode: "EUR", retailPrice: 0.2, unitOfMeasure: "1 Hour", serviceName: "Virtual Machines", armSkuName: "Standard_D4s_v5", armRegionName: "westeurope" }] }))],
      code: "COST-PRICES-CURRENCY",
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const run = await runCli(["cost", ...c.args()]);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, "", "no estimate");
      assert.doesNotMatch(run.stderr, /\n\s+at |internal error|Error:/, "no stack trace");
      const diagnostics = run.stderr.split("\n").filter((l) => DIAGNOSTIC_LINE.test(l));
      assert.equal(diagnostics.length, 1, run.stderr);
      assert.equal(DIAGNOSTIC_LINE.exec(diagnostics[0]!)![5], c.code);
      if (c.at) assert.ok(diagnostics[0]!.startsWith(c.at), diagnostics[0]);
      assert.match(run.stderr, /\n {2}hint: .+/);
    });

  it("--serverless-hours that is not a number of hours", async () => {
    const run = await runCli(["cost", EXAMPLE, "--serverless-hours", "lots"]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'berth: --serverless-hours: expected hours a month from 0 to 744, got "lots" (730 prices a serverless database as never paused)\n');
  });
});
