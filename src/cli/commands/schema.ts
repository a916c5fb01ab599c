import { platformJsonSchema } from "../../index.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";

export function runSchema(io: CliIO): number {
  io.out(JSON.stringify(platformJsonSchema(), null, 2));
  return EXIT.ok;
}
