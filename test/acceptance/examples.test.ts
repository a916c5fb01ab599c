/**
 * Golden acceptance for the bundled examples × environments: the rendered files must equal the reviewed goldens,
 * and — independently of berth's own checks — every object must parse, validate against the Kubernetes/CRD schemas,
 * meet the restricted pod security settings, and reference only objects that exist.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { build } from "../../src/index.ts";
import { SCHEMAS } from "../../src/checks/schema-registry.ts";
import { assertGolden } from "../support/golden.ts";
import { type Obj, parseDocs } from "../support/manifests.ts";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

const EXAMPLES = ["databricks-service", "mlops-qna", "datalyptica", "datasurface-airflow"] as const;
const ENVS = ["dev", "qa", "prod"] as const;
const GOLDEN = "test/acceptance/examples";

function renderExample(example: string, env: string) {
  const result = build({ path: `examples/${example}`, env });
  assert.equal(result.ok, true, JSON.stringify(result.diagnostics, null, 2));
  assert.deepEqual(result.diagnostics, [], "examples build clean: no errors and no warnings");
  const objects = result.files!.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content));
  return { result, objects };
}

const podSpecs = (objs: Obj[]) => objs.filter((o) => o.spec?.template?.spec).map((o) => ({ o, pod: o.spec.template.spec }));

describe("examples", () => {
  for (const example of EXAMPLES) {
    for (const env of ENVS) {
      describe(`${example} --env ${env}`, () => {
        const { result, objects } = renderExample(example, env);

        it("matches the reviewed golden output, file for file", () => {
          const dir = join(GOLDEN, example, env);
          for (const f of result.files!) assertGolden(join(dir, f.path), f.content);
          if (process.env.BERTH_UPDATE_GOLDEN !== "1") {
            const golden = readdirSync(dir, { recursive: true, withFileTypes: true })
              .filter((e) => e.isFile())
              .map((e) => relative(dir, join(e.parentPath, e.name)));
            assert.deepEqual(golden.sort(), result.files!.map((f) => f.path).sort(), "no stale golden files (chart included)");
            assert.ok(existsSync(join(dir, "inventory.json")));
          }
        });

        it("is deterministic", () => {
          const again = build({ path: `examples/${example}`, env });
          assert.deepEqual(again.files, result.files);
        });

        it("validates against the Kubernetes 1.27 and CRD schemas after a YAML round trip", () => {
          for (const o of objects) {
            const Model = SCHEMAS[`${o.apiVersion}/${o.kind}`];
            assert.ok(Model, `schema for ${o.apiVersion}/${o.kind}`);
            assert.doesNotThrow(() => new Model(o as never).validate(), `${o.kind} ${o.metadata.name}`);
          }
        });

        it("puts every namespaced object in an explicit namespace labelled for restricted pod security", () => {
          const namespaces = objects.filter((o) => o.kind === "Namespace");
          assert.ok(namespaces.length > 0);
          for (const ns of namespaces) assert.equal(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
          for (const o of objects.filter((x) => x.kind !== "Namespace")) {
            assert.ok(o.metadata.namespace, `${o.kind} ${o.metadata.name} has a namespace`);
            assert.ok(namespaces.some((n) => n.metadata.name === o.metadata.namespace), `namespace ${o.metadata.namespace} is created`);
            assert.notEqual(o.metadata.namespace, "default");
          }
          for (const ns of namespaces)
            assert.ok(objects.some((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === ns.metadata.name && Object.keys(o.spec.podSelector).length === 0 && o.spec.policyTypes.length === 2), `default-deny in ${ns.metadata.name}`);
        });

        it("runs every container non-root, unprivileged, read-only, with resources and probes", () => {
          const pods = podSpecs(objects);
          assert.ok(pods.length > 0);
          for (const { o, pod } of pods) {
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.ok(pod.securityContext.runAsUser > 0);
            assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
            const granted = objects.some((rb) => rb.kind === "RoleBinding" && rb.subjects.some((s: { name: string }) => s.name === pod.serviceAccountName) && (objects.find((r) => r.kind === "Role" && r.metadata.name === rb.roleRef.name)?.rules ?? []).length > 0);
            assert.equal(pod.automountServiceAccountToken, granted, `${o.metadata.name}: the API token only where a Role grants access`);
            assert.ok(pod.serviceAccountName && pod.serviceAccountName !== "default");
            assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC);
            for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
              assert.equal(c.securityContext.allowPrivilegeEscalation, false);
              assert.equal(c.securityContext.readOnlyRootFilesystem, true);
              assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
              assert.equal(c.securityContext.capabilities.add, undefined);
              assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory);
              if (o.kind !== "Job" && pod.containers.includes(c)) {
                assert.ok(c.livenessProbe && c.readinessProbe, `${o.metadata.name}/${c.name} probes`);
                assert.notDeepEqual(c.livenessProbe, c.readinessProbe, `${o.metadata.name}/${c.name} liveness differs from readiness`);
              }
              assert.doesNotMatch(c.image, /:latest$|^[^:@]+$/);
              const claimTemplates = (o.spec.volumeClaimTemplates ?? []).map((t: { metadata: { name: string } }) => t.metadata.name);
              for (const m of c.volumeMounts ?? []) assert.ok(pod.volumes.some((v: { name: string }) => v.name === m.name) || claimTemplates.includes(m.name), `mount ${m.name} has a volume`);
            }
            for (const v of pod.volumes ?? []) assert.ok([...(pod.initContainers ?? []), ...pod.containers].some((c: { volumeMounts?: { name: string }[] }) => c.volumeMounts?.some((m) => m.name === v.name)), `volume ${v.name} is mounted`);
          }
        });

        it("references only objects that exist or are declared", () => {
          const has = (kind: string, ns: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
          const declaredSecrets = Object.keys(result.spec!.platform.spec.secrets);
          const generated = result.secrets!;
          const certSecrets = objects.filter((o) => o.kind === "Certificate").map((o) => o.spec.secretName);
          // Key Vault delivery (csi): the driver syncs these Secrets, with these keys, when a pod mounts the class.
          const synced = objects.filter((o) => o.kind === "SecretProviderClass").flatMap((o) => (o.spec.secretObjects as { secretName: string; data: { key: string }[] }[]).map((so) => ({ name: so.secretName, namespaces: [o.metadata.namespace!], keys: so.data.map((d) => d.key) })));
          for (const { o, pod } of podSpecs(objects)) {
            const ns = o.metadata.namespace!;
            assert.ok(has("ServiceAccount", ns, pod.serviceAccountName));
            for (const c of pod.containers)
              for (const e of c.env ?? []) {
                if (e.valueFrom?.configMapKeyRef) {
                  const cm = objects.find((x) => x.kind === "ConfigMap" && x.metadata.name === e.valueFrom.configMapKeyRef.name);
                  assert.ok(cm && e.valueFrom.configMapKeyRef.key in cm.data, `${e.name} → configmap key`);
                }
                if (e.valueFrom?.secretKeyRef) {
                  const { name, key } = e.valueFrom.secretKeyRef;
                  const made = [...generated, ...synced].find((g) => g.name === name && g.namespaces.includes(ns));
                  assert.ok(made || declaredSecrets.includes(name), `${o.metadata.name}: secret ${name} exists in ${ns}`);
                  assert.ok(made ? made.keys.includes(key) : result.spec!.platform.spec.secrets[name]!.keys.includes(key), `${name} has key ${key}`);
                }
              }
            for (const v of pod.volumes ?? []) if (v.persistentVolumeClaim) assert.ok(has("PersistentVolumeClaim", ns, v.persistentVolumeClaim.claimName));
          }
          for (const svc of objects.filter((o) => o.kind === "Service")) {
            const selected = podSpecs(objects).filter(({ o }) => o.metadata.namespace === svc.metadata.namespace && Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v));
            assert.equal(selected.length, 1, `Service ${svc.metadata.name} selects exactly one workload`);
          }
          for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) assert.ok(has(hpa.spec.scaleTargetRef.kind, hpa.metadata.namespace!, hpa.spec.scaleTargetRef.name));
          for (const ing of objects.filter((o) => o.kind === "Ingress")) {
            for (const rule of ing.spec.rules)
              for (const p of rule.http.paths) {
                const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === p.backend.service.name && o.metadata.namespace === ing.metadata.namespace);
                assert.ok(svc, `Ingress ${ing.metadata.name} → Service ${p.backend.service.name}`);
                assert.ok(svc.spec.ports.some((sp: { name: string }) => sp.name === p.backend.service.port.name));
              }
            for (const t of ing.spec.tls ?? []) assert.ok(certSecrets.includes(t.secretName) || declaredSecrets.includes(t.secretName));
          }
          for (const rb of objects.filter((o) => o.kind === "RoleBinding")) {
            assert.ok(has("Role", rb.metadata.namespace!, rb.roleRef.name));
            for (const s of rb.subjects) assert.ok(has("ServiceAccount", s.namespace, s.name));
          }
        });

        it("contains no placeholders", () => {
          for (const f of result.files!) assert.doesNotMatch(f.content, /PLACEHOLDER_|REPLACE_|your-|CHANGEME|TODO/i, f.path);
        });
      });
    }
  }
});
