import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { CREDENTIAL_NAME, parseQuantity } from "../formats.ts";
import { problem, type SpecRule } from "./rule.ts";
import { kubernetesOf } from "../kubernetes-of.ts";

/** Ports, probes, resources and autoscaling agree with each other within an app. */
export const workload: SpecRule = (spec) => {
  const out: Diagnostic[] = [];
  const k8s = kubernetesOf(spec.platform);
  for (const [name, app] of Object.entries(spec.platform.spec.apps)) {
    const at = ["spec", "apps", name];
    const seenNames = new Map<string, number>();
    const seenPorts = new Map<string, number>();
    const seenServicePorts = new Map<string, number>();
    app.ports.forEach((p, i) => {
      for (const [map, key, field, what] of [
        [seenNames, p.name, "name", "port name"],
        [seenPorts, `${p.port}/${p.protocol}`, "port", "container port"],
        [seenServicePorts, `${p.servicePort ?? p.port}/${p.protocol}`, p.servicePort ? "servicePort" : "port", "Service port"],
      ] as const) {
        if (map.has(key)) out.push(problem(spec, [...at, "ports", i, field], "SPEC-DUPLICATE", `Duplicate value: ${what} ${JSON.stringify(key)} is already used by ports[${map.get(key)}]`));
        else map.set(key, i);
      }
    });
    const portNames = app.ports.map((p) => p.name);
    const portNumbers = app.ports.map((p) => p.port);
    for (const kind of ["liveness", "readiness", "startup"] as const) {
      const probe = app.probes[kind];
      if (!probe) continue;
      if (probe.type === "http" && !probe.path) out.push(problem(spec, [...at, "probes", kind], "SPEC-REQUIRED", "Required value: an http probe needs a path", 'e.g. path: /health, or type: tcp'));
      if (probe.type === "tcp" && probe.path) out.push(problem(spec, [...at, "probes", kind, "path"], "SPEC-INVALID", "a tcp probe has no path", "remove path, or use type: http"));
      if (probe.port !== undefined && (typeof probe.port === "string" ? !portNames.includes(probe.port) : !portNumbers.includes(probe.port)))
        out.push(problem(spec, [...at, "probes", kind, "port"], "SPEC-UNKNOWN-PORT", `probe port ${JSON.stringify(probe.port)} is not one of the app's ports (${portNames.join(", ")})`));
    }
    const l = app.probes.liveness;
    const r = app.probes.readiness;
    if (l.type === r.type && l.path === r.path && (l.port ?? portNames[0]) === (r.port ?? portNames[0]))
      out.push(problem(spec, [...at, "probes", "liveness"], "SPEC-IDENTICAL-PROBES", "liveness and readiness probe the same endpoint: a slow dependency then restarts the pod instead of taking it out of rotation", "serve a cheap liveness endpoint (e.g. /health/live) apart from readiness", "warning"));

    for (const resource of ["cpu", "memory", "ephemeralStorage"] as const) {
      const req = app.resources.requests[resource];
      const lim = app.resources.limits[resource];
      if (req && lim && (parseQuantity(req) ?? 0) > (parseQuantity(lim) ?? Infinity))
        out.push(problem(spec, [...at, "resources", "requests", resource], "SPEC-REQUEST-OVER-LIMIT", `request ${req} must be less than or equal to the ${resource} limit ${lim}`, `raise limits.${resource} or lower the request`));
    }

    if (app.autoscale) {
      const a = app.autoscale;
      if (a.min > a.max) out.push(problem(spec, [...at, "autoscale", "min"], "SPEC-RANGE", `min ${a.min} must be less than or equal to max ${a.max}`));
      if (a.cpu === undefined && a.memory === undefined && a.pods.length === 0)
        out.push(problem(spec, [...at, "autoscale"], "SPEC-REQUIRED", "Required value: the autoscaler needs at least one of cpu, memory or pods"));
      if (a.pods.length > 0 && !k8s.metricsAdapter)
        out.push(problem(spec, [...at, "autoscale", "pods"], "SPEC-NEEDS-METRICS-ADAPTER", "a Pods metric needs a custom metrics adapter, and the cluster declares none", "install prometheus-adapter (or KEDA) and set spec.kubernetes.metricsAdapter, or scale on cpu/memory only"));
      a.pods.forEach((m, i) => {
        if (parseQuantity(m.averageValue) === undefined) out.push(problem(spec, [...at, "autoscale", "pods", i, "averageValue"], "SPEC-FORMAT", `"${m.averageValue}" is not a quantity`, 'e.g. "100" or "500m"'));
      });
    }
    if (app.disruption && typeof app.disruption.maxUnavailable === "number" && app.disruption.maxUnavailable === 0)
      out.push(problem(spec, [...at, "disruption", "maxUnavailable"], "SPEC-PDB-BLOCKS-DRAIN", "maxUnavailable 0 blocks every node drain and cluster upgrade", "allow at least 1", "warning"));
    app.allowFrom.forEach((from, i) =>
      from.ports?.forEach((port, j) => {
        if (!portNames.includes(port)) out.push(problem(spec, [...at, "allowFrom", i, "ports", j], "SPEC-UNKNOWN-PORT", `port "${port}" is not one of the app's ports (${portNames.join(", ")})`, didYouMean(port, portNames)));
      }),
    );
    for (const [envName, value] of Object.entries(app.env)) {
      if (typeof value === "string" && value !== "" && CREDENTIAL_NAME.test(envName))
        out.push(problem(spec, [...at, "env", envName], "SPEC-LITERAL-SECRET", `env ${envName} looks like a credential but is written as a literal value, which would land in every manifest`, "declare the secret under spec.secrets and use { secret: <name>, key: <key> }"));
    }
  }
  return out;
};
