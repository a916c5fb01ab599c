import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { objectIndex } from "./object-index.ts";
import { get } from "./refs.ts";

export const refServicePort = defineRule({
  id: "REF-SERVICE-PORT",
  severity: "error",
  title: "Service has the port",
  rationale: "Traffic to a missing port is dropped; a ServiceMonitor scrapes nothing.",
  fix: "use a port name or number the Service exposes",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const index = objectIndex(input);
    for (const { resource, ns, names, selectors } of index.references) {
      // Ingress backends name a Service and its port; a missing Service is REF-SERVICE.
      for (const ref of names) {
        const target = ref.port === undefined ? undefined : index.find(ref.kind, ns, ref.name);
        const ports = target ? ((get(target, "spec", "ports") as { name?: string; port: number }[]) ?? []) : undefined;
        if (ports && !ports.some((p) => p.name === ref.port || p.port === ref.port)) out.push(rule.problem(resource, ref.field, `Service "${ref.name}" has no port ${JSON.stringify(ref.port)}`));
      }
      // ServiceMonitor endpoints name a port every Service they select must have.
      for (const sel of selectors)
        if (sel.targets === "services")
          for (const s of index.servicesSelectedBy(sel, ns).filter((s) => !((get(s, "spec", "ports") as { name?: string }[]) ?? []).some((p) => p.name === sel.port)))
            out.push(rule.problem(resource, sel.field, `Service ${s.metadata.name} has no port named "${sel.port}"`));
    }
    return out;
  },
});
