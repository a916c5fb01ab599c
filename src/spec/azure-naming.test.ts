import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { derivedName, nameProblem } from "./azure-naming.ts";

describe("Azure names", () => {
  it("come from the naming pattern, with hyphens dropped where the type takes alphanumerics only", () => {
    const vars = { platform: "datasurface", env: "dev", name: "main" };
    assert.equal(derivedName("{platform}-{env}-{name}", "keyVaults", vars), "datasurface-dev-main");
    assert.equal(derivedName("{platform}-{env}-{name}", "registries", vars), "datasurfacedevmain");
    assert.equal(derivedName("{name}-{env}", "postgres", { platform: "p", name: "meta" }), "meta-base", "no --env builds the base");
  });

  it("Key Vault: 3–24 characters, starting with a letter, no consecutive hyphens, not ending with one", () => {
    assert.equal(nameProblem("keyVaults", "kv-datasurface-dev"), undefined);
    assert.match(nameProblem("keyVaults", "datasurface-production-main")!, /3–24 characters \(got 27\)/);
    assert.match(nameProblem("keyVaults", "1kv")!, /starting with a letter/);
    assert.match(nameProblem("keyVaults", "kv--main")!, /single '-'/);
    assert.match(nameProblem("keyVaults", "kv-main-")!, /ending with a letter or digit/);
    assert.match(nameProblem("keyVaults", "kv")!, /got 2/);
  });

  it("registries: 5–50 letters and digits; servers: lower case 3–63; resource groups up to 90", () => {
    assert.equal(nameProblem("registries", "acrdatasurface"), undefined);
    assert.match(nameProblem("registries", "acr-ds")!, /letters and digits only/);
    assert.match(nameProblem("registries", "acr")!, /5–50/);
    assert.equal(nameProblem("postgres", "pg-datasurface-dev"), undefined);
    assert.match(nameProblem("postgres", "PG-Data")!, /lower-case/);
    assert.match(nameProblem("sql", "-sql")!, /not starting or ending/);
    assert.match(nameProblem("sql", "x".repeat(64))!, /3–63/);
    assert.equal(nameProblem("resourceGroups", "rg.data(1)"), undefined);
    assert.match(nameProblem("resourceGroups", "rg.")!, /not ending with '\.'/);
    assert.match(nameProblem("resourceGroups", "r".repeat(91))!, /1–90/);
  });
});
