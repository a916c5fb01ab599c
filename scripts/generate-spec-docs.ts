/**
 * Regenerates the files derived from the zod schema: schema/berth.schema.json (for editors) and
 * docs/spec-reference.md. A test fails when either is stale, so run `npm run docs:spec` after changing the schema.
 */
import { writeFileSync } from "node:fs";
import { platformJsonSchema } from "../src/spec/json-schema.ts";
import { renderSpecReference } from "../src/spec/reference.ts";

writeFileSync("schema/berth.schema.json", `${JSON.stringify(platformJsonSchema(), null, 2)}\n`);
writeFileSync("docs/spec-reference.md", renderSpecReference());
console.log("wrote schema/berth.schema.json and docs/spec-reference.md");
