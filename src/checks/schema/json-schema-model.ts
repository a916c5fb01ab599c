/**
 * A model class (the shape schema-registry.ts keys by apiVersion/kind) for a kind known by a plain JSON schema
 * instead of a kubernetes-models package: `validate()` checks `this` and throws an error carrying ajv's `errors`,
 * as the packages' models do, so K8S-SCHEMA reports both the same way. Compiled on first use: most builds write none
 * of these kinds.
 */
import { Ajv, type ValidateFunction } from "ajv";
import type { ModelClass } from "../schema-registry.ts";

export function jsonSchemaModel(schema: object): ModelClass {
  let compiled: ValidateFunction | undefined;
  const check = (data: unknown) => {
    compiled ??= new Ajv({ strict: false, allErrors: true }).compile(schema);
    if (compiled(data)) return;
    const error = new Error(`data does not match the schema`) as Error & { errors: unknown };
    error.errors = compiled.errors;
    throw error;
  };
  return class {
    constructor(data: object) {
      Object.assign(this, data);
    }
    validate(): void {
      check(this);
    }
  } as unknown as ModelClass;
}
