/**
 * What seeds 000 and 004 do by hand, checked on berth's output, and each defect listed in
 * shared/research/seed-behaviours.md (§1, §5) shown to be impossible: the spec that would produce it is refused.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { build } from "../../src/index.ts";
import { jobMatches, readPromql } from "../../src/util/promql.ts";
import { find, parseDocs, type Obj } from "../support/manifests.ts";
import { buildText, codes, platform, WEB } from "../support/spec.ts";

const objectsOf = (path: string, env: string, set?: string[]): Obj[] => {
  const r = build({ path, env, set });
  assert.equal(r.ok, true, JSON.stringify(r.diagnostics, null, 2));
  return r.files!.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content));
};

describe("seed 000: Databricks service on AKS", () => {
  for (const env of ["dev", "qa", "prod"]) {
    const objs = objectsOf("examples/databricks-service", env);
    const deploy = find(objs, "Deployment", "databricks-service");
    const pod = deploy.spec.template;
    const container = pod.spec.containers[0];

    it(`${env}: the pod runs as the ServiceAccount that carries the client id, and is labelled for the webhook`, () => {
      const sa = find(objs, "ServiceAccount", pod.spec.serviceAccountName);
      // berth makes the identity (spec.azure.identities), so its client id is an output token the engine fills in.
      assert.equal(sa.metadata.annotations!["azure.workload.identity/client-id"], `((berth.output azure:Microsoft.ManagedIdentity/userAssignedIdentities:myRG:databricks-service-${env} clientId))`);
      assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true");
      assert.equal(objs.filter((o) => /AzureIdentity/.test(o.kind)).length, 0, "no AAD Pod Identity objects");
    });

    it(`${env}: config comes from ConfigMap databricks-config under the names the app reads`, () => {
      const cm = find(objs, "ConfigMap", "databricks-config");
      for (const key of ["workspace-url", "warehouse-id", "token-secret-name", "query-timeout-seconds"]) assert.ok(cm.data[key], key);
      assert.equal(cm.data["query-timeout-seconds"], env === "prod" ? "900" : "600");
      const env_ = Object.fromEntries(container.env.map((e: { name: string; valueFrom?: { configMapKeyRef?: { key: string } } }) => [e.name, e.valueFrom?.configMapKeyRef?.key]));
      assert.equal(env_.Databricks__WorkspaceUrl, "workspace-url");
      assert.equal(env_.Databricks__QueryTimeoutSeconds, "query-timeout-seconds", "the timeout is read from the ConfigMap, not hard-coded");
      const vaultUrl = container.env.find((e: { name: string }) => e.name === "Databricks__KeyVaultUrl");
      assert.equal(vaultUrl.value, "((berth.output azure:Microsoft.KeyVault/vaults:myRG:myKeyVault vaultUri))", "the existing vault's URI, read from Azure");
      assert.equal(container.env.some((e: { name: string }) => e.name.startsWith("DATABRICKS_")), false);
    });

    it(`${env}: probes, Service, autoscaler and RBAC as the guide intends`, () => {
      assert.equal(container.livenessProbe.httpGet.path, "/health/live");
      assert.equal(container.readinessProbe.httpGet.path, "/health/ready");
      const svc = find(objs, "Service", "databricks-service");
      assert.equal(svc.spec.type, "ClusterIP");
      assert.deepEqual(svc.spec.ports.map((p: { port: number }) => p.port), [8080]);
      const hpa = find(objs, "HorizontalPodAutoscaler", "databricks-service");
      assert.equal(hpa.apiVersion, "autoscaling/v2");
      assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 10]);
      assert.deepEqual(hpa.spec.metrics.map((m: { resource: { name: string; target: { averageUtilization: number } } }) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 70], ["memory", 80]]);
      assert.deepEqual(find(objs, "Role", "databricks-service").rules, []);
      assert.equal(find(objs, "RoleBinding", "databricks-service").subjects[0].name, pod.spec.serviceAccountName);
      assert.ok(pod.spec.volumes.some((v: { name: string; emptyDir?: object }) => v.emptyDir) && container.volumeMounts.some((m: { mountPath: string }) => m.mountPath === "/tmp"));
    });

    it(`${env}: NetworkPolicy allows DNS over UDP and TCP, HTTPS out, and 8080 in`, () => {
      const np = find(objs, "NetworkPolicy", "databricks-service");
      assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
      const dns = np.spec.egress.find((r: { ports: { port: number }[] }) => r.ports.some((p) => p.port === 53));
      assert.deepEqual(dns.ports.map((p: { protocol: string }) => p.protocol).sort(), ["TCP", "UDP"]);
      assert.equal(dns.to[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"], "kube-system");
      assert.ok(np.spec.egress.some((r: { ports: { port: number }[] }) => r.ports.some((p) => p.port === 443)));
      assert.match(np.metadata.annotations!["berth.dev/egress-hosts"]!, /azuredatabricks\.net.*login\.microsoftonline\.com.*vault\.azure\.net/);
      assert.deepEqual(np.spec.ingress.flatMap((r: { ports: { port: number }[] }) => r.ports.map((p) => p.port)), [8080]);
    });
  }
});

describe("workload identity reaches Entra ID even when no egress is declared", () => {
  it("adds HTTPS egress for the token exchange", () => {
    const objs = objectsOf("examples/databricks-service", "prod", ["apps.databricks-service.egress=[]"]);
    const np = find(objs, "NetworkPolicy", "databricks-service");
    assert.ok(np.spec.egress.some((r: { ports: { port: number }[] }) => r.ports.some((p) => p.port === 443)));
    // Entra ID for the identity, and the vault's domain that Databricks__KeyVaultUrl's reference implies.
    assert.equal(np.metadata.annotations!["berth.dev/egress-hosts"], "login.microsoftonline.com,*.vault.azure.net");
  });
});

describe("seed 004: ML service with canary", () => {
  const prod = objectsOf("examples/mlops-qna", "prod");

  it("stable and canary are two Deployments with version labels, each with its own Service", () => {
    const stable = find(prod, "Deployment", "qna");
    const canary = find(prod, "Deployment", "qna-canary");
    assert.equal(stable.spec.template.metadata.labels.version, "1.4.2");
    assert.equal(canary.spec.template.metadata.labels.version, "1.5.0");
    assert.deepEqual(canary.spec.template.spec.containers[0].resources, stable.spec.template.spec.containers[0].resources, "the canary is sized like stable");
    assert.ok(canary.spec.template.spec.containers[0].livenessProbe);
    assert.deepEqual(find(prod, "Service", "qna-canary").spec.selector, canary.spec.selector.matchLabels);
    assert.deepEqual(find(prod, "Service", "qna").spec.selector, stable.spec.selector.matchLabels);
  });

  it("the canary Ingress shares host and paths, carries the weight, and routes to the canary Service", () => {
    const main = find(prod, "Ingress", "qna");
    const canary = find(prod, "Ingress", "qna-canary");
    assert.deepEqual(canary.spec.rules.map((r: { host: string }) => r.host), main.spec.rules.map((r: { host: string }) => r.host));
    assert.deepEqual(canary.spec.rules[0].http.paths.map((p: { path: string }) => p.path), main.spec.rules[0].http.paths.map((p: { path: string }) => p.path));
    assert.equal(canary.metadata.annotations!["nginx.ingress.kubernetes.io/canary-weight"], "10");
    assert.equal(canary.spec.rules[0].http.paths[0].backend.service.name, "qna-canary");
    assert.equal(main.spec.ingressClassName, "nginx");
    assert.equal(main.metadata.annotations!["nginx.ingress.kubernetes.io/limit-rps"], "100");
    for (const ing of [main, canary]) assert.equal(Object.keys(ing.metadata.annotations ?? {}).some((k) => /snippet/.test(k)), false);
    assert.equal(find(objectsOf("examples/mlops-qna", "qa"), "Ingress", "qna-canary").metadata.annotations!["nginx.ingress.kubernetes.io/canary-weight"], "50");
    assert.equal(objectsOf("examples/mlops-qna", "dev").some((o) => o.metadata.name === "qna-canary"), false);
  });

  it("promote and roll back are spec changes that keep the stable Deployment's selector", () => {
    const promoted = objectsOf("examples/mlops-qna", "prod", ["apps.qna.image=ghcr.io/duqueom/mlops-qna:1.5.0", "apps.qna.canary=null"]);
    const rolledBack = objectsOf("examples/mlops-qna", "prod", ["apps.qna.canary=null"]);
    for (const objs of [promoted, rolledBack]) {
      assert.equal(objs.some((o) => o.metadata.name === "qna-canary"), false);
      assert.deepEqual(find(objs, "Deployment", "qna").spec.selector, find(prod, "Deployment", "qna").spec.selector);
    }
    assert.equal(find(promoted, "Deployment", "qna").spec.template.spec.containers[0].image, "ghcr.io/duqueom/mlops-qna:1.5.0");
    assert.equal(find(rolledBack, "Deployment", "qna").spec.template.spec.containers[0].image, "ghcr.io/duqueom/mlops-qna:1.4.2");
    assert.deepEqual(objectsOf("examples/mlops-qna", "prod", ["apps.qna.canary=null"]), rolledBack, "repeatable");
  });

  it("NetworkPolicy peers combine namespace AND pods in one entry, and DNS is allowed", () => {
    const np = find(prod, "NetworkPolicy", "qna");
    for (const rule of np.spec.ingress) {
      assert.equal(rule.from.length, 1);
      assert.ok(rule.from[0].namespaceSelector && rule.from[0].podSelector, "one peer with both selectors");
    }
    assert.ok(np.spec.egress.some((r: { ports: { port: number; protocol: string }[] }) => r.ports.some((p) => p.port === 53 && p.protocol === "UDP")));
  });

  it("the ServiceMonitor selects the Services by their labels and port name; alerts use kept metrics and real job labels", () => {
    const sm = find(prod, "ServiceMonitor", "qna");
    assert.equal(sm.metadata.labels!.release, "kube-prometheus-stack");
    const services = prod.filter((o) => o.kind === "Service" && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v));
    assert.deepEqual(services.map((s) => s.metadata.name).sort(), ["qna", "qna-canary"]);
    for (const s of services) assert.ok(s.spec.ports.some((p: { name: string }) => p.name === sm.spec.endpoints[0].port));
    const kept = new RegExp(`^${sm.spec.endpoints[0].metricRelabelings[0].regex}$`);
    const rules = find(prod, "PrometheusRule", "qna").spec.groups[0].rules;
    for (const rule of rules) {
      const refs = readPromql(rule.expr);
      for (const m of refs.metrics) assert.match(m, kept, `${rule.alert} uses ${m}`);
      for (const j of refs.jobs) assert.ok(jobMatches(j, services.map((s) => s.metadata.name)), `${rule.alert} job ${j.value}`);
    }
  });

  it("the custom Pods metric is used because an adapter is declared", () => {
    const hpa = find(prod, "HorizontalPodAutoscaler", "qna");
    assert.ok(hpa.spec.metrics.some((m: { type: string }) => m.type === "Pods"));
  });
});

describe("seed defects are refused", () => {
  const cases: [string, string, string][] = [
    ["RWX requested on an RWO storage class", platform(`${WEB}  volumes:\n    cache: { mountPath: /cache, size: 1Gi, accessMode: ReadWriteMany, storageClass: managed-csi }`), "SPEC-ACCESS-MODE"],
    ["a ConfigMap that nothing reads or mounts", platform(`${WEB}  config: { data: { LOG_LEVEL: info } }`), "SPEC-UNUSED-CONFIG"],
    ["an alert on a metric the ServiceMonitor drops", platform(`${WEB}  monitoring:\n    port: http\n    keepMetrics: [http_requests_total]\n    alerts: [{ name: Slow, expr: "histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m])) > 1", summary: slow }]`, "prometheus: {}"), "SPEC-ALERT-DROPPED-METRIC"],
    ["an alert on a job label that will not exist", platform(`${WEB}  monitoring:\n    port: http\n    alerts: [{ name: Down, expr: 'up{job="mlops-api"} == 0', summary: down }]`, "prometheus: {}"), "SPEC-ALERT-UNKNOWN-JOB"],
    ["a snippet annotation", platform(`${WEB}  ingress: { host: web.example.com, annotations: { nginx.ingress.kubernetes.io/configuration-snippet: "more_set_headers x" } }`, "ingress: { controller: ingress-nginx }"), "SPEC-FORBIDDEN-ANNOTATION"],
    ["a Pods metric without a metrics adapter", platform(`${WEB}  autoscale: { max: 5, pods: [{ metric: http_requests_per_second, averageValue: "100" }] }`), "SPEC-NEEDS-METRICS-ADAPTER"],
    ["a canary with no ingress to split traffic", platform(`${WEB}  canary: { image: ghcr.io/acme/web:1.3.0, weight: 10 }`), "SPEC-CANARY-NEEDS-INGRESS"],
    ["an identity nobody declared", platform(`${WEB}  identity: web-identity`), "SPEC-UNKNOWN-IDENTITY"],
    ["a metrics port the app does not have", platform(`${WEB}  monitoring: { port: metrics }`, "prometheus: {}"), "SPEC-UNKNOWN-PORT"],
    ["an ingress with no controller declared", platform(`${WEB}  ingress: { host: web.example.com }`), "SPEC-NEEDS-INGRESS-CONTROLLER"],
    ["a TLS issuer that is not installed", platform(`${WEB}  ingress: { host: web.example.com, tls: { issuer: letsencrypt } }`, "ingress: {}\ncertManager: { issuers: [{ name: letsencrypt-prod }] }"), "SPEC-UNKNOWN-ISSUER"],
    ["a wildcard RBAC rule", platform(`${WEB}  rbac: { rules: [{ apiGroups: ["*"], resources: [pods], verbs: [get] }] }`), "SPEC-RBAC-WILDCARD"],
    ["a probe on a port the app does not expose", platform(WEB.replace("{ path: /live }", "{ path: /live, port: admin }")), "SPEC-UNKNOWN-PORT"],
    ["an env entry reading a config key that does not exist", platform(`${WEB}  config: { data: { a: b } }\n  env: { A: { config: b } }`), "SPEC-UNKNOWN-CONFIG-KEY"],
    ["a Kubernetes version outside the supported range", platform(WEB).replace('"1.31"', '"1.22"'), "K8S-VERSION"],
  ];
  for (const [what, spec, code] of cases) {
    it(what, () => {
      const r = buildText(spec);
      assert.equal(r.ok, false);
      assert.ok(codes(r).includes(code), `expected ${code}, got ${JSON.stringify(r.diagnostics, null, 1)}`);
      for (const d of r.diagnostics.filter((x) => x.code === code)) assert.ok(d.location && d.location.line > 0, "located");
    });
  }

  it("the minimal spec those cases start from is valid", () => {
    const r = buildText(platform(WEB));
    assert.deepEqual(codes(r), []);
    assert.equal(r.ok, true);
  });
});
