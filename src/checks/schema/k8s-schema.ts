/** Every object validates against the schema of its kind. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { fieldFromPointer } from "../check.ts";
import { defineRule } from "../rule.ts";
import { type ModelClass, removedAt, SCHEMAS } from "../schema-registry.ts";
import { gvkOf, targetMinor } from "./api.ts";

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

const validates = (Model: ModelClass, object: unknown): boolean => {
  try {
    Model.prototype.validate.call(object);
    return true;
  } catch {
    return false;
  }
};

export const k8sSchema = defineRule({
  id: "K8S-SCHEMA",
  severity: "error",
  title: "Object matches the Kubernetes schema",
  rationale: "The API server rejects objects that do not validate.",
  fix: "correct the field to the type and values the schema allows",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const minor = targetMinor(input);
    for (const r of input.resources) {
      const gvk = gvkOf(r.object);
      // An API removed at the target is reported once, as K8S-API-VERSION.
      if (removedAt(gvk, minor)) continue;
      const Model = SCHEMAS[gvk];
      if (!Model) {
        // berth validates every object it writes; YAML from elsewhere may hold kinds it has no schema for (K8S-UNKNOWN-KIND).
        if (input.facts.unknownKinds !== "warn") out.push(rule.problem(r, ".", `no schema known for ${gvk}; berth validates every object it writes`));
        continue;
      }
      try {
        // The model's validator read straight off the object: constructing a model first deep-copies it, which cost
        // more than validating. The model is built only to report, so errors read exactly as they always did.
        if (!validates(Model, r.object)) new Model(r.object as never).validate();
      } catch (err) {
        const errors = (err as { errors?: AjvError[] }).errors ?? [{ instancePath: "", message: (err as Error).message }];
        for (const e of errors) {
          const extra = e.params && "allowedValues" in e.params ? `: ${(e.params.allowedValues as unknown[]).join(", ")}` : "";
          out.push(rule.problem(r, fieldFromPointer(e.instancePath), `${e.message ?? "is invalid"}${extra}`));
        }
      }
    }
    return out;
  },
});
