import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { INGRESS_CONTROLLERS } from "../../resources/cluster-catalog.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { jobMatches, readPromql } from "../../util/promql.ts";
import { problem, type SpecRule } from "./rule.ts";
import { kubernetesOf } from "../kubernetes-of.ts";

/** Ingress, canary and monitoring are consistent with the app's ports and with what the cluster runs. */
export const exposure: SpecRule = (spec) => {
  const out: Diagnostic[] = [];
  const { apps, secrets } = spec.platform.spec;
  const k8s = kubernetesOf(spec.platform);
  for (const [name, app] of Object.entries(apps)) {
    const at = ["spec", "apps", name];
    const portNames = app.ports.map((p) => p.name);
    const ing = app.ingress;
    if (ing) {
      if (!k8s.ingress) out.push(problem(spec, [...at, "ingress"], "SPEC-NEEDS-INGRESS-CONTROLLER", "the app asks for an ingress but spec.kubernetes.ingress declares no controller", "add spec.kubernetes.ingress: { controller: ingress-nginx }"));
      if (ing.port && !portNames.includes(ing.port)) out.push(problem(spec, [...at, "ingress", "port"], "SPEC-UNKNOWN-PORT", `ingress port "${ing.port}" is not one of the app's ports (${portNames.join(", ")})`, didYouMean(ing.port, portNames)));
      if (ing.tls && "issuer" in ing.tls) {
        const issuers = k8s.certManager?.issuers.map((i) => i.name) ?? [];
        if (!issuers.includes(ing.tls.issuer))
          out.push(problem(spec, [...at, "ingress", "tls", "issuer"], "SPEC-UNKNOWN-ISSUER", `cert-manager issuer "${ing.tls.issuer}" is not declared in spec.kubernetes.certManager.issuers`, didYouMean(ing.tls.issuer, issuers) ?? "declare the issuers the cluster has"));
      }
      if (ing.tls && "secretName" in ing.tls) {
        const s = secrets[ing.tls.secretName];
        if (!s) out.push(problem(spec, [...at, "ingress", "tls", "secretName"], "SPEC-UNKNOWN-SECRET", `TLS secret "${ing.tls.secretName}" is not declared in spec.secrets`, "declare it with type: kubernetes.io/tls and keys [tls.crt, tls.key]"));
        else if (s.type !== "kubernetes.io/tls") out.push(problem(spec, [...at, "ingress", "tls", "secretName"], "SPEC-SECRET-TYPE", `secret "${ing.tls.secretName}" is type ${s.type}, not kubernetes.io/tls`));
      }
      const profile = k8s.ingress ? INGRESS_CONTROLLERS[k8s.ingress.controller] : undefined;
      const managed = new Set(Object.values(profile?.annotations ?? {}));
      for (const key of Object.keys(ing.annotations)) {
        if (profile?.forbiddenAnnotation.test(key) || /snippet/i.test(key))
          out.push(problem(spec, [...at, "ingress", "annotations", key], "SPEC-FORBIDDEN-ANNOTATION", `annotation "${key}" injects raw controller configuration; current ingress controllers refuse it (CVE-2021-25742, CVE-2025-1974)`, "use the typed fields (rateLimit, tls) or a controller ConfigMap"));
        else if (managed.has(key) || /\/canary/.test(key) || key.startsWith("cert-manager.io/"))
          out.push(problem(spec, [...at, "ingress", "annotations", key], "SPEC-MANAGED-ANNOTATION", `annotation "${key}" is written by berth from the typed fields; setting it by hand would break the canary or TLS wiring`, "use canary, rateLimit or tls instead"));
      }
      if (ing.rateLimit && profile && ((ing.rateLimit.rps && !profile.annotations.limitRps) || (ing.rateLimit.connections && !profile.annotations.limitConnections)))
        out.push(problem(spec, [...at, "ingress", "rateLimit"], "SPEC-UNSUPPORTED", `controller ${k8s.ingress!.controller} has no annotation for this rate limit`));
    }
    if (app.canary) {
      if (!ing) out.push(problem(spec, [...at, "canary"], "SPEC-CANARY-NEEDS-INGRESS", "a canary splits ingress traffic by weight, and the app has no ingress", "add ingress, or deploy the new version by changing image"));
      if (JSON.stringify(app.canary.image) === JSON.stringify(app.image)) out.push(problem(spec, [...at, "canary", "image"], "SPEC-CANARY-SAME-IMAGE", "the canary runs the same image as the stable version", "promote by removing canary", "warning"));
    }
    const mon = app.monitoring;
    if (mon) {
      if (!k8s.prometheus) out.push(problem(spec, [...at, "monitoring"], "SPEC-NEEDS-PROMETHEUS", "monitoring needs the Prometheus Operator, and spec.kubernetes.prometheus declares none", "add spec.kubernetes.prometheus: { namespace: monitoring, selectorLabels: {...} }"));
      if (!portNames.includes(mon.port)) out.push(problem(spec, [...at, "monitoring", "port"], "SPEC-UNKNOWN-PORT", `metrics port "${mon.port}" is not one of the app's ports (${portNames.join(", ")})`, didYouMean(mon.port, portNames)));
      // ServiceMonitor targets get job = the Service name; the canary has its own Service.
      const jobs = [name, ...(app.canary ? [`${name}-canary`] : [])];
      mon.alerts.forEach((alert, i) => {
        const refs = readPromql(alert.expr);
        if (refs.metrics.length === 0) out.push(problem(spec, [...at, "monitoring", "alerts", i, "expr"], "SPEC-ALERT-NO-METRIC", "the expression reads no metric", undefined, "warning"));
        if (mon.keepMetrics) {
          for (const metric of refs.metrics.filter((m) => !mon.keepMetrics!.includes(m) && !/^(up|scrape_.*)$/.test(m)))
            out.push(problem(spec, [...at, "monitoring", "alerts", i, "expr"], "SPEC-ALERT-DROPPED-METRIC", `alert ${alert.name} uses metric "${metric}", which keepMetrics drops at scrape time`, didYouMean(metric, mon.keepMetrics) ?? `add "${metric}" to monitoring.keepMetrics`));
        }
        for (const job of refs.jobs.filter((j) => !jobMatches(j, jobs)))
          out.push(problem(spec, [...at, "monitoring", "alerts", i, "expr"], "SPEC-ALERT-UNKNOWN-JOB", `alert ${alert.name} matches job${job.op}"${job.value}", but the scraped targets have job ${jobs.map((j) => `"${j}"`).join(" or ")} (the Service name)`, didYouMean(job.value, jobs)));
      });
    }
  }
  return out;
};
