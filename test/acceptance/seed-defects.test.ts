/**
 * One test per defect of the seed 002 chart and per hand fix of the seed 003 walkthrough
 * (shared/research/seed-behaviours.md §3, §4): each shows the defect cannot occur in what berth renders.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { build, writeBuild } from "../../src/index.ts";
import { tempDir } from "../support/cli.ts";
import { helm } from "../support/helm.ts";
import { type Obj, parseDocs } from "../support/manifests.ts";
import { buildText } from "../support/spec.ts";

const render = (example: string, env = "prod", set: string[] = []) => {
  const result = build({ path: `examples/${example}`, env, set });
  assert.equal(result.ok, true, JSON.stringify(result.diagnostics, null, 1));
  const objects = result.files!.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content));
  return { result, objects };
};
const pods = (objs: Obj[]) => objs.filter((o) => o.spec?.template?.spec).map((o) => ({ o, pod: o.spec.template.spec }));
const envOf = (c: { env?: { name: string }[] }) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e])) as Record<string, any>;

describe("seed 002: the Datalyptica chart's defects", () => {
  const { result, objects } = render("datalyptica");
  const out = join(tempDir(), "out");
  writeBuild(result, out);
  const rendered = helm(["template", "datalyptica", join(out, "chart")]);

  it("a default `helm template` renders (the seed's stopped on a nil pointer)", () => {
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.ok(parseDocs(rendered.stdout).length > 70);
  });

  it("one password, the same in every namespace (the seed called randAlphaNum per copy)", () => {
    // The chart renders no Secret; the generator Job makes one value per logical secret and copies it (its script's
    // test proves the copies identical). Each secret is one line of its table, with every namespace that reads it.
    assert.deepEqual(parseDocs(rendered.stdout).filter((o) => o.kind === "Secret"), []);
    const job = parseDocs(rendered.stdout).find((o) => o.kind === "Job" && o.metadata.name.startsWith("berth-secrets-"))!;
    const lines = (job.spec.template.spec.containers[0].env as { name: string; value: string }[]).find((e) => e.name === "BERTH_SECRETS")!.value.split("\n");
    const names = lines.map((l) => l.split(" ")[0]);
    assert.equal(new Set(names).size, names.length, "one line per logical secret");
    assert.ok(lines.filter((l) => l.split(" ")[1]!.includes(",")).length >= 3, "some secrets are copied across namespaces");
  });

  it("upgrades keep passwords (the seed regenerated them on every upgrade)", () => {
    // Nothing random in the chart: every render is the same, so helm upgrade (and Argo CD / Flux) never changes a value.
    assert.equal(helm(["template", "datalyptica", join(out, "chart")]).stdout, rendered.stdout);
    for (const f of result.files!.filter((x) => x.path.startsWith("chart/templates/"))) assert.doesNotMatch(f.content, /randAlphaNum|lookup/, f.path);
  });

  it("connection strings read the very secret and key the server was given (the seed's key names differed)", () => {
    const generated = new Map(result.secrets!.map((s) => [s.name, s]));
    for (const { o, pod } of pods(objects))
      for (const c of [...(pod.initContainers ?? []), ...pod.containers])
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const g = generated.get(ref.name);
          assert.ok(g, `${o.metadata.name}: ${ref.name} is generated`);
          assert.ok(g.keys.includes(ref.key) && g.namespaces.includes(o.metadata.namespace!), `${o.metadata.name}: ${ref.name}/${ref.key} in ${o.metadata.namespace}`);
        }
    const superset = envOf(objects.find((o) => o.kind === "Deployment" && o.metadata.name === "superset")!.spec.template.spec.containers[0]);
    assert.deepEqual(superset.SUPERSET_DB_PASSWORD.valueFrom.secretKeyRef, { name: "postgresql-user-superset", key: "password" });
    assert.deepEqual([superset.SUPERSET_DB_USER.value, superset.SUPERSET_DB_HOST.value, superset.SUPERSET_DB_NAME.value], ["superset", "postgresql.datalyptica-core.svc.cluster.local", "superset"]);
  });

  it("every pod's ServiceAccount exists (the seed's apps pods used one never created)", () => {
    for (const { o, pod } of pods(objects))
      assert.ok(objects.some((x) => x.kind === "ServiceAccount" && x.metadata.name === pod.serviceAccountName && x.metadata.namespace === o.metadata.namespace), `${o.metadata.name}: ${pod.serviceAccountName}`);
  });

  it("kafka keeps its cluster id and formats once (the seed formatted with a new random id on every start)", () => {
    const kafka = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "kafka")!;
    const [container] = kafka.spec.template.spec.containers;
    assert.match(container.command[2], /kafka-storage\.sh format --ignore-formatted --cluster-id "\$CLUSTER_ID"/);
    assert.equal(envOf(container).CLUSTER_ID.value, envOf(render("datalyptica", "dev").objects.find((o) => o.metadata.name === "kafka" && o.kind === "StatefulSet")!.spec.template.spec.containers[0]).CLUSTER_ID.value);
  });

  it("each consumer's database and user are created with the password its secret holds (the seed created none)", () => {
    const script = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "postgresql-setup")!.data["setup.sql"] as string;
    const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("postgresql-setup-"))!;
    const jobEnv = job.spec.template.spec.containers[0].env as { name: string; valueFrom: { secretKeyRef: { name: string } } }[];
    for (const [i, db] of ["nessie", "trino", "airflow", "superset", "mlflow"].entries()) {
      assert.ok(script.includes(`WHERE rolname = '${db}'`) && script.includes(`datname = '${db}'`), db);
      assert.equal(jobEnv.find((e) => e.name === `DB_PASSWORD_${i}`)?.valueFrom.secretKeyRef.name, `postgresql-user-${db}`);
    }
  });

  it("OpenShift mode sets no fixed UIDs (the seed's ClickHouse 101 clashed with SCC ranges)", () => {
    const { objects: os } = render("datalyptica", "prod", ["kubernetes.openshift=true"]);
    const clickhouse = os.find((o) => o.kind === "StatefulSet" && o.metadata.name === "clickhouse")!;
    assert.equal(clickhouse.spec.template.spec.securityContext.runAsUser, undefined);
  });
});

describe("seed 003: the five hand fixes are impossible", () => {
  const { objects } = render("datasurface-airflow");
  const jobs = objects.filter((o) => o.kind === "Job" && !o.metadata.name.startsWith("airflow-") && !o.metadata.name.startsWith("berth-secrets-"));

  it("1. storage classes come from the spec, and a class the cluster lacks is refused", () => {
    const claims = objects.filter((o) => o.kind === "PersistentVolumeClaim");
    assert.ok(claims.length >= 4);
    for (const c of claims) assert.equal(c.spec.storageClassName, "azurefile-csi-nfs", c.metadata.name);
    const gp3 = build({ path: "examples/datasurface-airflow", env: "prod", set: ["jobs.ring1-init.volumes.git-cache.storageClass=gp3"] });
    assert.equal(gp3.ok, false);
    assert.ok(gp3.diagnostics.some((d) => d.code === "SPEC-UNKNOWN-STORAGE-CLASS" || d.code === "STORAGE-CLASS"));
  });

  it("2. every serviceAccountName is one berth generated", () => {
    assert.equal(jobs.length, 3);
    for (const { o, pod } of pods(objects)) assert.ok(objects.some((x) => x.kind === "ServiceAccount" && x.metadata.name === pod.serviceAccountName), `${o.metadata.name}`);
    const r = buildText(readFileSync("examples/datasurface-airflow/berth.yaml", "utf8").replace("identity: datasurface\n      env: &job-env", "identity: datasurfce\n      env: &job-env"));
    assert.ok(r.diagnostics.some((d) => d.code === "SPEC-UNKNOWN-IDENTITY" && d.path === "spec.jobs.ring1-init.identity"));
  });

  it("3. the jobs get RTE_TARGET, MERGE_HOST, AZURE_KEY_VAULT_URL and NAMESPACE", () => {
    for (const job of jobs) {
      const env = envOf(job.spec.template.spec.containers[0]);
      assert.equal(env.RTE_TARGET.value, "azure");
      // Azure assigns both when it creates the server and the vault: the engine fills in these output tokens.
      assert.equal(env.MERGE_HOST.value, "((berth.output azure:Microsoft.Sql/servers:datasurface-prod-main:datasurface-prod-merge fqdn))");
      assert.equal(env.AZURE_KEY_VAULT_URL.value, "((berth.output azure:Microsoft.KeyVault/vaults:datasurface-prod-main:datasurface-prod-main vaultUri))");
      assert.equal(env.NAMESPACE.valueFrom.fieldRef.fieldPath, "metadata.namespace");
    }
  });

  it("4. no command relies on shell line continuations", () => {
    for (const { o, pod } of pods(objects))
      for (const c of [...(pod.initContainers ?? []), ...pod.containers])
        for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) assert.doesNotMatch(arg, /\\\n|\n\s*\n/, `${o.metadata.name}/${c.name}`);
    for (const job of jobs) assert.equal(job.spec.template.spec.containers[0].command[0], "python");
  });

  it("5. hyphenated credential names are env entries with secretKeyRef", () => {
    for (const job of jobs) {
      const env = envOf(job.spec.template.spec.containers[0]);
      // merge-db is kept in the vault: the Job reads the copy the CSI driver syncs for it (<job>-merge-db).
      const synced = `${job.metadata.name}-merge-db`;
      assert.deepEqual(env["sqlserver-demo-merge_USER"].valueFrom.secretKeyRef, { name: synced, key: "username" });
      assert.deepEqual(env["sqlserver-demo-merge_PASSWORD"].valueFrom.secretKeyRef, { name: synced, key: "password" });
    }
  });

  it("the jobs run in the declared order: ring1-init, then model-merge, then reconcile-views", () => {
    const result = build({ path: "examples/datasurface-airflow", env: "prod" });
    const byName = (n: string) => result.resources!.find((r) => r.object.kind === "Job" && r.object.metadata.name.startsWith(`${n}-`))!;
    assert.deepEqual(byName("ring1-init").needs ?? [], []);
    assert.deepEqual(byName("model-merge").needs, [byName("ring1-init").key]);
    assert.deepEqual(byName("reconcile-views").needs, [byName("model-merge").key]);
    assert.deepEqual(["ring1-init", "model-merge", "reconcile-views"].map((n) => byName(n).object.metadata.annotations!["helm.sh/hook-weight"]), ["0", "1", "2"]);
  });
});
