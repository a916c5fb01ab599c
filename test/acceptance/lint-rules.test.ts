/**
 * One passing and one failing fixture per rule: a clean bundle of objects that no rule flags, and for each rule one
 * mutation of it that the rule must flag (Polaris-style success/failure cases).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { runLint } from "../../src/cli/commands/lint.ts";
import { RULES } from "../../src/lint/rule-catalog.ts";
import { lint } from "../../src/lint/run.ts";
import { desired } from "../../src/resources/kube-object.ts";
import { buildText } from "../support/spec.ts";
import { toYaml } from "../../src/output/yaml.ts";

type Obj = Record<string, any>;

const clean = (): Obj[] => [
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "web", namespace: "shop" }, automountServiceAccountToken: false },
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          serviceAccountName: "web",
          automountServiceAccountToken: false,
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "web" } } }],
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "web",
              image: "ghcr.io/acme/web:1.2.3",
              ports: [{ name: "http", containerPort: 8080 }],
              env: [{ name: "LOG_LEVEL", value: "info" }],
              resources: { requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" }, limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "1Gi" } },
              livenessProbe: { httpGet: { path: "/live", port: "http" } },
              readinessProbe: { httpGet: { path: "/ready", port: "http" } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  },
  { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "shop" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } } },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "reader", namespace: "shop" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] },
];

const deployment = (objs: Obj[]) => objs.find((o) => o.kind === "Deployment")!;
const container = (objs: Obj[]) => deployment(objs).spec.template.spec.containers[0];

const MUTATIONS: Record<string, (objs: Obj[]) => void> = {
  "IMAGE-TAG": (o) => void (container(o).image = "ghcr.io/acme/web:latest"),
  "PROBE-PORT": (o) => void (container(o).livenessProbe.httpGet.port = "admin"),
  "PROBE-IDENTICAL": (o) => void (container(o).readinessProbe = structuredClone(container(o).livenessProbe)),
  "ENV-LITERAL-SECRET": (o) => void container(o).env.push({ name: "DB_PASSWORD", value: "hunter2" }),
  "SERVICE-TARGET-PORT": (o) => void (o.find((x) => x.kind === "Service")!.spec.ports[0].targetPort = "grpc"),
  "SELECTOR-TEMPLATE": (o) => void (deployment(o).spec.selector.matchLabels = { app: "api" }),
  "RBAC-WILDCARD": (o) => void (o.find((x) => x.kind === "Role")!.rules[0].verbs = ["*"]),
  "RBAC-EXEC": (o) => void o.find((x) => x.kind === "Role")!.rules.push({ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }),
  "RBAC-CLUSTER-ADMIN": (o) => void o.push({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "admin", namespace: "shop" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "ServiceAccount", name: "web", namespace: "shop" }] }),
  "SERVICE-EXPOSED": (o) => void (o.find((x) => x.kind === "Service")!.spec.type = "NodePort"),
  "NETPOL-COVERAGE": (o) => void o.splice(o.findIndex((x) => x.kind === "NetworkPolicy"), 1),
  "PDB-MISSING": (o) => void o.splice(o.findIndex((x) => x.kind === "PodDisruptionBudget"), 1),
  "K8S-API-VERSION": (o) => void o.push({ apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "old", namespace: "shop" }, spec: {} }),
  "K8S-UNKNOWN-KIND": (o) => void o.push({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "shop" } }),
  "AUTOMOUNT-TOKEN": (o) => void (deployment(o).spec.template.spec.automountServiceAccountToken = true),
  "DEFAULT-SERVICE-ACCOUNT": (o) => void (deployment(o).spec.template.spec.serviceAccountName = "default"),
  "RESOURCES-MISSING": (o) => void delete container(o).resources.limits,
  "EPHEMERAL-STORAGE": (o) => void delete container(o).resources.requests["ephemeral-storage"],
  "PROBE-MISSING": (o) => void delete container(o).readinessProbe,
  "POD-DUPLICATE": (o) => void container(o).env.push({ name: "LOG_LEVEL", value: "debug" }),
  "REF-SERVICEACCOUNT": (o) => void (deployment(o).spec.template.spec.serviceAccountName = "ghost"),
  "REF-SELECTOR": (o) => void (o.find((x) => x.kind === "Service")!.spec.selector = { app: "ghost" }),
  "SPREAD-MISSING": (o) => void delete deployment(o).spec.template.spec.topologySpreadConstraints,
  "JOB-TTL": (o) => void o.push({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "once", namespace: "shop" }, spec: { template: { spec: { restartPolicy: "Never", containers: [] } } } }),
  "NAMESPACE-DEFAULT": (o) => void (o.find((x) => x.kind === "Service")!.metadata.namespace = "default"),
  "NAME-INVALID": (o) => void o.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Bad_Name", namespace: "shop" }, data: {} }),
  "NAME-COLLISION": (o) => void o.push(structuredClone(o.find((x) => x.kind === "Service")!)),
  "NAME-LABEL-VALUE": (o) => void (o.find((x) => x.kind === "Service")!.metadata.labels = { team: "a b" }),
  "K8S-SCHEMA": (o) => void (container(o).ports[0].containerPort = "8080"),
  "POD-UNKNOWN-VOLUME": (o) => void (container(o).volumeMounts = [{ name: "ghost", mountPath: "/ghost" }]),
  "REF-SECRET": (o) => void container(o).env.push({ name: "DB", valueFrom: { secretKeyRef: { name: "ghost", key: "k" } } }),
  "REF-SECRET-KEY": (o) => {
    o.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop" }, stringData: { user: "x" } });
    container(o).env.push({ name: "DB", valueFrom: { secretKeyRef: { name: "db", key: "password" } } });
  },
  "REF-CONFIGMAP": (o) => void container(o).env.push({ name: "C", valueFrom: { configMapKeyRef: { name: "ghost", key: "k" } } }),
  "REF-CONFIGMAP-KEY": (o) => {
    o.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "shop" }, data: { a: "1" } });
    container(o).env.push({ name: "C", valueFrom: { configMapKeyRef: { name: "cfg", key: "b" } } });
  },
  "REF-PERSISTENTVOLUMECLAIM": (o) => {
    deployment(o).spec.template.spec.volumes = [{ name: "data", persistentVolumeClaim: { claimName: "ghost" } }];
    container(o).volumeMounts = [{ name: "data", mountPath: "/data" }];
  },
  "REF-SERVICE": (o) => void o.push(ingress("ghost", "http")),
  "REF-SERVICE-PORT": (o) => void o.push(ingress("web", "grpc")),
  "REF-DEPLOYMENT": (o) => void o.push({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "shop" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "ghost" }, minReplicas: 2, maxReplicas: 4, metrics: [] } }),
  "REF-STATEFULSET": (o) => void o.push({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "shop" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "ghost" }, minReplicas: 2, maxReplicas: 4, metrics: [] } }),
  "REF-ROLE": (o) => void o.push({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "b", namespace: "shop" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "ghost" }, subjects: [{ kind: "ServiceAccount", name: "web", namespace: "shop" }] }),
  "PSS-NAMESPACE-LABEL": (o) => void o.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }),
};

const ingress = (service: string, port: string): Obj => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "web", namespace: "shop" },
  spec: { ingressClassName: "nginx", rules: [{ host: "web.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port: { name: port } } } }] } }] },
});

const codesOf = (objs: Obj[]): string[] => {
  let out = "";
  runLint(["-"], { format: "json" }, { out: (t) => void (out += t), err: () => undefined }, () => objs.map((o) => `---\n${toYaml(o)}`).join(""));
  return (JSON.parse(out).findings as { code: string }[]).map((f) => f.code);
};

/** Rules whose failing fixtures live elsewhere: Pod Security controls (src/checks/pod-security/policy.test.ts), the target version (src/lint/kubernetes-version.test.ts: a flag, not an object), spec-only rules (seeds, components and bad-input tests), suppressions (lint.test.ts, and below). */
const COVERED_ELSEWHERE = /^(PSS-(?!NAMESPACE-LABEL)|K8S-VERSION$|STORAGE-|LINT-(SUPPRESSION-REASON|UNUSED-SUPPRESSION)$)/;

describe("lint rules: passing and failing fixtures", () => {
  it("every rule in the catalog has a failing fixture", () => {
    const missing = RULES.map((r) => r.id).filter((id) => !(id in MUTATIONS) && !COVERED_ELSEWHERE.test(id));
    assert.deepEqual(missing, []);
  });

  it("the clean bundle passes every rule", () => {
    assert.deepEqual(codesOf(clean()), []);
  });
  for (const [rule, mutate] of Object.entries(MUTATIONS)) {
    it(`${rule} flags its failing fixture`, () => {
      const objs = clean();
      mutate(objs);
      assert.ok(codesOf(objs).includes(rule), `${rule} not reported: ${codesOf(objs).join(", ")}`);
    });
  }
});

describe("suppressions in the spec", () => {
  const objs = () => {
    const o = clean();
    o.splice(o.findIndex((x) => x.kind === "PodDisruptionBudget"), 1);
    return o.map((object) => desired(object as never, []));
  };
  const input = (resources: ReturnType<typeof objs>) => ({ resources, facts: { kubernetesVersion: "1.31", declaredSecrets: {} }, locate: () => ({ path: "(test)" }) });

  it("silence a rule on one object, and only there", () => {
    const resources = objs();
    assert.ok(lint(input(resources)).some((d) => d.code === "PDB-MISSING"));
    const scoped = lint(input(resources), { ignore: [{ rule: "PDB-MISSING", object: "Deployment shop/web", reason: "a stateless batch web tier" }] });
    assert.deepEqual(scoped.map((d) => d.code), []);
    const elsewhere = lint(input(resources), { ignore: [{ rule: "PDB-MISSING", object: "Deployment shop/api", reason: "x" }] });
    assert.deepEqual(elsewhere.map((d) => d.code).sort(), ["LINT-UNUSED-SUPPRESSION", "PDB-MISSING"]);
  });

  it("require a reason, and warn where a suppression matches nothing", () => {
    const spec = readFileSync("examples/starter/berth.yaml", "utf8").replace("  apps:\n", "  lint:\n    ignore:\n      - rule: PDB-MISSING\n        reason: single replica in every environment\n  apps:\n");
    const ok = buildText(spec, { env: "dev" });
    assert.equal(ok.ok, true);
    const unused = ok.diagnostics.find((d) => d.code === "LINT-UNUSED-SUPPRESSION")!;
    assert.equal(unused.path, "spec.lint.ignore[0]");
    assert.ok(unused.location && unused.location.line > 0);
    const bare = buildText(spec.replace("        reason: single replica in every environment\n", ""), { env: "dev" });
    assert.equal(bare.ok, false);
    assert.ok(bare.diagnostics.some((d) => d.code === "SPEC-REQUIRED" && d.path === "spec.lint.ignore[0].reason"));
  });
});
