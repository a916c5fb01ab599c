/** Every object's API is served by the target Kubernetes version: not removed, not yet to come. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { API_AVAILABILITY, removedAt } from "../schema-registry.ts";
import { gvkOf, targetMinor } from "./api.ts";

export const k8sApiVersion = defineRule({
  id: "K8S-API-VERSION",
  severity: "error",
  title: "API version is served by the target Kubernetes version",
  rationale: "Removed or not-yet-served APIs fail on apply.",
  fix: "use the API version the target version serves",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const minor = targetMinor(input);
    for (const r of input.resources) {
      const gvk = gvkOf(r.object);
      // A deprecated API still served by the target (autoscaling/v2beta2 in 1.25) is no error; berth has no schema for it.
      const removed = removedAt(gvk, minor);
      if (removed) {
        out.push(rule.problem(r, ".apiVersion", `${gvk} was removed in Kubernetes 1.${removed.removedIn}`, `use ${removed.use}`));
        continue;
      }
      // Kinds berth does not know are K8S-UNKNOWN-KIND or K8S-SCHEMA; berth knows nothing of their API either.
      const served = API_AVAILABILITY[gvk];
      if (served && (minor < served.since || (served.removedIn !== undefined && minor >= served.removedIn)))
        out.push(rule.problem(r, ".apiVersion", `${gvk} is not served by Kubernetes ${input.facts.kubernetesVersion}`));
    }
    return out;
  },
});
