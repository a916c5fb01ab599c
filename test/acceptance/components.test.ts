/**
 * Catalog components wired by `connects`: one generated secret per logical credential, copied identically into each
 * namespace that reads it; env by reference only; NetworkPolicy allows in both directions; chart ≡ manifests.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { build, writeBuild } from "../../src/index.ts";
import { clusterId, START_SCRIPT } from "../../src/catalog/components/kafka/index.ts";
import { setupScript } from "../../src/catalog/components/postgresql/index.ts";
import { tempDir } from "../support/cli.ts";
import { assertChartMatchesManifests, helm } from "../support/helm.ts";
import { find, type Obj, parseDocs, readManifestDir } from "../support/manifests.ts";

const SPEC = "test/fixtures/core-services";

describe("components: postgresql and redis, connected from an app", () => {
  const result = build({ path: SPEC, env: "dev" });
  const objects = result.files?.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content)) ?? [];

  it("builds clean", () => {
    assert.equal(result.ok, true, JSON.stringify(result.diagnostics, null, 1));
    assert.deepEqual(result.diagnostics, []);
  });

  it("lists every generated secret with its keys and namespaces, and writes none", () => {
    const inventory = JSON.parse(result.files!.find((f) => f.path === "inventory.json")!.content);
    assert.deepEqual(inventory.creates.secrets, [
      { name: "postgresql-admin", keys: ["password"], namespaces: ["lake-core"], length: 32 },
      { name: "postgresql-user-api", keys: ["password"], namespaces: ["lake-core", "lake-apps"], length: 32 },
      { name: "postgresql-user-analytics", keys: ["password"], namespaces: ["lake-core"], length: 32 },
      { name: "redis-auth", keys: ["password"], namespaces: ["lake-core", "lake-apps"], length: 32 },
    ]);
    assert.equal(objects.filter((o) => o.kind === "Secret").length, 0);
  });

  it("gives the app its credentials by reference, and a URL that embeds the password by $(VAR)", () => {
    const env = find(objects, "Deployment", "api").spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    assert.deepEqual(byName.DB_PASSWORD!.valueFrom!.secretKeyRef, { name: "postgresql-user-api", key: "password" });
    assert.equal(byName.DB_HOST!.value, "postgresql.lake-core.svc.cluster.local");
    assert.equal(byName.DB_NAME!.value, "api");
    assert.equal(byName.DATABASE_URL!.value, "postgresql://api:$(BERTH_POSTGRESQL_PASSWORD)@postgresql.lake-core.svc.cluster.local:5432/api");
    assert.equal(byName.CACHE_URL!.value, "redis://:$(BERTH_REDIS_PASSWORD)@redis.lake-core.svc.cluster.local:6379/0");
    const names = env.map((e) => e.name);
    assert.ok(names.indexOf("BERTH_POSTGRESQL_PASSWORD") < names.indexOf("DATABASE_URL"), "a $(VAR) must be declared before its use");
  });

  it("creates a database and user per consumer plus the declared ones, idempotently, in a Job named by its content", () => {
    const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("postgresql-setup-"))!;
    assert.match(job.metadata.name, /^postgresql-setup-[0-9a-f]{8}$/);
    const script = find(objects, "ConfigMap", "postgresql-setup").data["setup.sql"] as string;
    assert.equal(script, setupScript(["api", "analytics"]));
    assert.match(script, /WHERE NOT EXISTS \(SELECT FROM pg_roles WHERE rolname = 'api'\) \\gexec/);
    assert.match(script, /ALTER ROLE "analytics" WITH LOGIN PASSWORD :'pw_1';/);
    assert.doesNotMatch(JSON.stringify(job.spec.template.spec.containers[0].command), /PASSWORD/, "passwords never in arguments");
    const env = job.spec.template.spec.containers[0].env.map((e: { valueFrom: { secretKeyRef: { name: string } } }) => e.valueFrom.secretKeyRef.name);
    assert.deepEqual(env, ["postgresql-admin", "postgresql-user-api", "postgresql-user-analytics"]);
  });

  it("allows the app to reach each server, and each server to accept only its consumers", () => {
    const api = find(objects, "NetworkPolicy", "api");
    const pg = find(objects, "NetworkPolicy", "postgresql");
    const to = (np: Obj, ns: string, port: number) => np.spec.egress.some((r: any) => r.to[0].namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === ns && r.ports.some((p: any) => p.port === port));
    assert.ok(to(api, "lake-core", 5432) && to(api, "lake-core", 6379));
    const fromApps = pg.spec.ingress.find((r: any) => r.from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"] === "lake-apps");
    assert.deepEqual(fromApps.from[0].podSelector.matchLabels, { "app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "lake" });
    assert.deepEqual(fromApps.ports, [{ protocol: "TCP", port: 5432 }]);
  });

  it("runs postgres and redis as their image users with restricted pod security", () => {
    for (const name of ["postgresql", "redis"]) {
      const pod = find(objects, "StatefulSet", name).spec.template.spec;
      assert.equal(pod.securityContext.runAsUser, 999);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      }
    }
    const redis = find(objects, "StatefulSet", "redis").spec.template.spec;
    assert.doesNotMatch(JSON.stringify(redis.containers[0].command), /requirepass|PASSWORD/);
  });

  it("omits fixed UIDs in OpenShift mode", () => {
    const os = build({ path: SPEC, env: "dev", set: ["kubernetes.openshift=true"] });
    assert.equal(os.ok, true, JSON.stringify(os.diagnostics));
    const sts = os.files!.flatMap((f) => (f.path.startsWith("manifests/") ? parseDocs(f.content) : [])).filter((o) => o.kind === "StatefulSet");
    for (const s of sts) assert.equal(s.spec.template.spec.securityContext.runAsUser, undefined);
  });

  it("renders a chart that helm lints, that reproduces the manifests with the secret generator, byte-identical every time", () => {
    const out = join(tempDir(), "out");
    assert.ok(writeBuild(result, out));
    const lint = helm(["lint", join(out, "chart"), "--strict"]);
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    const rendered = helm(["template", "lake", join(out, "chart")]);
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.equal(helm(["template", "lake", join(out, "chart")]).stdout, rendered.stdout, "helm template twice gives the same bytes");
    const docs = parseDocs(rendered.stdout);
    const key = (o: Obj) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
    const all = (objs: Obj[]) => Object.fromEntries(objs.map((o) => [key(o), o]));
    assert.deepEqual(all(docs), all(readManifestDir(join(out, "manifests"))));
    assert.deepEqual(docs.filter((o) => o.kind === "Secret"), [], "the chart carries no Secret: the generator Job creates them in the cluster");
    for (const f of result.files!.filter((x) => x.path.startsWith("chart/templates/"))) assert.doesNotMatch(f.content, /\blookup\b|\brand[A-Z]|\buuidv4\b|\bnow\b/, f.path);
    const job = docs.find((o) => o.kind === "Job" && o.metadata.name.startsWith("berth-secrets-"))!;
    const promised = JSON.parse(job.metadata.annotations!["berth.dev/generates-secrets"]!) as { name: string; keys: string[]; namespaces: string[] }[];
    assert.deepEqual(promised.map((p) => `${p.name}:${p.namespaces.join(",")}`).sort(), [
      "postgresql-admin:lake-core", "postgresql-user-analytics:lake-core", "postgresql-user-api:lake-core,lake-apps", "redis-auth:lake-core,lake-apps",
    ]);
  });

  it("says how to read credentials and how to bring your own; the old existingSecret values are gone", () => {
    const out = join(tempDir(), "out");
    assert.ok(writeBuild(result, out));
    assert.doesNotMatch(readFileSync(join(out, "chart/values.yaml"), "utf8"), /secrets:|existingSecret/);
    const unknown = helm(["template", "lake", join(out, "chart"), "--set", "secrets.redis-auth.existingSecret=x"]);
    assert.notEqual(unknown.status, 0, "values.schema.json refuses keys the chart does not have");
    const notes = readFileSync(join(out, "chart/templates/NOTES.txt"), "utf8");
    assert.match(notes, /kubectl -n lake-core get secret postgresql-admin -o jsonpath='\{\.data\.password\}' \| base64 -d/);
    assert.match(notes, /create the Secret with the same name and keys before installing/);
    assert.match(notes, /kubectl -n lake-apps port-forward svc\/api 8080:8080/);
  });
});

describe("components: the data stack (minio, nessie, kafka, schema-registry, clickhouse)", () => {
  const result = build({ path: "test/fixtures/data-stack", env: "dev" });
  const objects = result.files?.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content)) ?? [];

  it("builds clean, and the chart reproduces it", () => {
    assert.equal(result.ok, true, JSON.stringify(result.diagnostics, null, 1));
    assert.deepEqual(result.diagnostics, []);
    const out = join(tempDir(), "out");
    assert.ok(writeBuild(result, out));
    assertChartMatchesManifests(out, "stack");
  });

  it("kafka keeps one cluster id across starts and builds, and formats storage only once", () => {
    const sts = find(objects, "StatefulSet", "kafka");
    const c = sts.spec.template.spec.containers[0];
    const id = c.env.find((e: { name: string }) => e.name === "CLUSTER_ID").value;
    assert.equal(id, clusterId("stack", "kafka"));
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(build({ path: "test/fixtures/data-stack", env: "dev" }).files!.find((f) => f.path === "manifests/40-workloads.yaml")!.content.includes(id), true);
    assert.deepEqual(c.command, ["sh", "-c", START_SCRIPT]);
    assert.match(START_SCRIPT, /kafka-storage\.sh format --ignore-formatted --cluster-id "\$CLUSTER_ID"/);
    assert.doesNotMatch(START_SCRIPT, /\\\n/, "no line continuations");
    const props = find(objects, "ConfigMap", "kafka-config").data["server.properties"] as string;
    assert.match(props, /controller\.quorum\.voters=0@kafka-0\.kafka-headless\.stack-apps\.svc\.cluster\.local:9093,1@kafka-1\.[^,]+,2@kafka-2\./);
    assert.equal(sts.spec.replicas, 3);
  });

  it("nessie stores its data in its own postgresql database, with the password by reference", () => {
    const env = Object.fromEntries(find(objects, "Deployment", "nessie").spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    assert.equal(env.QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL.value, "jdbc:postgresql://postgresql.stack-core.svc.cluster.local:5432/nessie");
    assert.deepEqual(env.QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD.valueFrom.secretKeyRef, { name: "postgresql-user-nessie", key: "password" });
    assert.match(find(objects, "ConfigMap", "postgresql-setup").data["setup.sql"], /CREATE ROLE %I LOGIN', 'nessie'/);
  });

  it("an app reads generated credentials by reference, from its own namespace", () => {
    const env = Object.fromEntries(find(objects, "Deployment", "loader").spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    assert.deepEqual(env.S3_ACCESS_KEY.valueFrom.secretKeyRef, { name: "minio-root", key: "user" });
    assert.equal(env.S3_ENDPOINT.value, "http://minio.stack-core.svc.cluster.local:9000");
    assert.equal(env.KAFKA_BOOTSTRAP.value, "kafka.stack-apps.svc.cluster.local:9092");
    const inventory = JSON.parse(result.files!.find((f) => f.path === "inventory.json")!.content);
    assert.deepEqual(inventory.creates.secrets.find((s: { name: string }) => s.name === "minio-root").namespaces, ["stack-core", "stack-apps"]);
  });

  it("seeds writable copies of the folders an image rewrites at start, keeping the root filesystem read-only", () => {
    const pod = find(objects, "StatefulSet", "clickhouse").spec.template.spec;
    const seed = pod.initContainers.find((c: { name: string }) => c.name === "seed-writable");
    assert.deepEqual(seed.command, ["sh", "-c", "cp -a /etc/clickhouse-server/config.d/. /seed/0/ && cp -a /etc/clickhouse-server/users.d/. /seed/1/"]);
    const mounts = pod.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    assert.ok(mounts.includes("/etc/clickhouse-server/config.d") && mounts.includes("/etc/clickhouse-server/users.d"));
    assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
  });

  it("trino: a coordinator Service, workers without one, catalogs from connections with credentials as ${ENV:…}", () => {
    assert.equal(find(objects, "Deployment", "trino").spec.replicas, 1);
    assert.equal(find(objects, "Deployment", "trino-worker").spec.replicas, 2);
    assert.equal(objects.some((o) => o.kind === "Service" && o.metadata.name === "trino-worker"), false);
    const catalog = find(objects, "ConfigMap", "trino-catalog").data;
    assert.deepEqual(Object.keys(catalog).sort(), ["iceberg.properties", "postgresql.properties", "tpch.properties"]);
    assert.match(catalog["iceberg.properties"], /s3\.aws-secret-key=\$\{ENV:S3_SECRET_KEY\}/);
    const worker = find(objects, "ConfigMap", "trino-worker-config").data["config.properties"] as string;
    assert.ok(worker.includes("coordinator=false\n"));
    assert.ok(worker.includes("discovery.uri=http://trino.stack-apps.svc.cluster.local:8080\n"));
    assert.ok((find(objects, "ConfigMap", "trino-coordinator-config").data["config.properties"] as string).includes("node-scheduler.include-coordinator=false\n"));
  });

  it("flink and spark workers find their leaders by stable names", () => {
    const props = find(objects, "Deployment", "flink-taskmanager").spec.template.spec.containers[0].env[0].value as string;
    assert.match(props, /jobmanager\.rpc\.address: flink-jobmanager\.stack-apps\.svc\.cluster\.local/);
    const worker = find(objects, "Deployment", "spark-worker").spec.template.spec.containers[0];
    assert.equal(worker.args.at(-1), "spark://spark-master-0.spark-master-headless.stack-apps.svc.cluster.local:7077");
    assert.equal(find(objects, "StatefulSet", "spark-master").spec.serviceName, "spark-master-headless");
  });

  it("superset initialises in a Job named by its content and reads every secret from its environment", () => {
    const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("superset-init-"))!;
    assert.match(job.metadata.name, /^superset-init-[0-9a-f]{8}$/);
    const env = Object.fromEntries(find(objects, "Deployment", "superset").spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    assert.equal(env.SUPERSET_DB_USER.value, "superset");
    assert.deepEqual(env.SUPERSET_DB_PASSWORD.valueFrom.secretKeyRef, { name: "postgresql-user-superset", key: "password" });
    assert.equal(env.SUPERSET_DB_HOST.value, "postgresql.stack-core.svc.cluster.local");
    assert.equal(env.SUPERSET_DB_NAME.value, "superset");
    assert.match(find(objects, "ConfigMap", "superset-config").data["superset_config.py"], /quote_plus\(os\.environ\["SUPERSET_DB_PASSWORD"\]\)/);
    assert.deepEqual(env.SUPERSET_SECRET_KEY.valueFrom.secretKeyRef, { name: "superset-keys", key: "secret-key" });
    assert.equal(env.SERVER_WORKER_AMOUNT.value, "4");
  });

  it("orders the rollout by connections: a consumer's workloads need its providers' workloads", () => {
    const key = (kind: string, name: string) => result.resources!.find((r) => r.object.kind === kind && r.object.metadata.name === name)!;
    const setup = result.resources!.find((r) => r.object.kind === "Job" && r.object.metadata.name.startsWith("postgresql-setup-"))!;
    assert.deepEqual(setup.needs, [key("StatefulSet", "postgresql").key], "the setup Job waits for the server");
    assert.deepEqual(key("Deployment", "nessie").needs, [key("StatefulSet", "postgresql").key, setup.key], "nessie waits for its database");
    const init = result.resources!.find((r) => r.object.kind === "Job" && r.object.metadata.name.startsWith("superset-init-"))!;
    assert.ok(key("Deployment", "superset").needs!.includes(init.key), "superset waits for its init Job");
    assert.ok(init.needs!.includes(setup.key), "the init Job waits for the database");
    assert.deepEqual(key("Deployment", "schema-registry").needs, [key("StatefulSet", "kafka").key]);
    assert.deepEqual([...key("Deployment", "loader").needs!].sort(), [key("StatefulSet", "minio").key, key("Deployment", "nessie").key, key("StatefulSet", "kafka").key, key("StatefulSet", "clickhouse").key].sort());
    assert.equal(key("StatefulSet", "postgresql").needs, undefined);
  });

  it("refuses a nessie without a postgresql, and a schema-registry without a kafka", () => {
    const r = build({ path: "test/fixtures/data-stack", env: "dev", set: ["components.nessie.connects=[]", "components.schema-registry.connects=[]"] });
    assert.equal(r.ok, false);
    assert.deepEqual(r.diagnostics.filter((d) => d.code === "SPEC-MISSING-CONNECTION").map((d) => d.path).sort(), ["spec.components.nessie.connects", "spec.components.schema-registry.connects"]);
  });
});

describe("components: airflow 3 with an external PostgreSQL (seed 003)", () => {
  const result = build({ path: "test/fixtures/airflow", env: "dev" });
  const objects = result.files?.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content)) ?? [];
  const dagRoles = ["airflow-dag-processor", "airflow-scheduler", "airflow-triggerer", "airflow-worker"];
  const pods = objects.filter((o) => o.spec?.template?.spec && o.metadata.name.startsWith("airflow"));

  it("builds clean, and the chart reproduces it with a valid Fernet key", () => {
    assert.equal(result.ok, true, JSON.stringify(result.diagnostics, null, 1));
    assert.deepEqual(result.diagnostics, []);
    const out = join(tempDir(), "out");
    assert.ok(writeBuild(result, out));
    const rendered = parseDocs(assertChartMatchesManifests(out, "flow"));
    // The generator makes the key in the cluster (its form is proven in secret-generator.test.ts); the table asks for it.
    const generator = rendered.find((o) => o.kind === "Job" && o.metadata.name.startsWith("berth-secrets-"))!;
    const table = generator.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "BERTH_SECRETS").value as string;
    assert.match(table, /^airflow-keys \S+ fernet-key:fernet jwt-secret:alnum40 api-secret-key:alnum40$/m);
  });

  it("gives workload identity to exactly the four ServiceAccounts that run DAG code, labelled on their pods", () => {
    const annotated = objects.filter((o) => o.kind === "ServiceAccount" && o.metadata.annotations?.["azure.workload.identity/client-id"]).map((o) => o.metadata.name).sort();
    assert.deepEqual(annotated, dagRoles);
    for (const role of dagRoles) {
      const workload = objects.find((o) => (o.kind === "Deployment" || o.kind === "StatefulSet") && o.metadata.name === role)!;
      assert.equal(workload.spec.template.spec.serviceAccountName, role);
      assert.equal(workload.spec.template.metadata.labels["azure.workload.identity/use"], "true");
    }
    assert.equal(find(objects, "Deployment", "airflow-api-server").spec.template.metadata.labels["azure.workload.identity/use"], undefined);
    const inventory = JSON.parse(result.files!.find((f) => f.path === "inventory.json")!.content);
    assert.deepEqual(inventory.requires.workloadIdentities.map((w: { federatedSubject: string }) => w.federatedSubject), dagRoles.map((r) => `system:serviceaccount:flow:${r}`));
  });

  it("binds the secret-reader Role to the same four ServiceAccounts", () => {
    assert.deepEqual(find(objects, "Role", "airflow-secret-reader").rules, [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }]);
    assert.deepEqual(find(objects, "RoleBinding", "airflow-secret-reader").subjects.map((s: { name: string }) => s.name), ["airflow-worker", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]);
  });

  it("reaches the external metadata database with sslmode=require and its login by reference", () => {
    const env = Object.fromEntries(find(objects, "Deployment", "airflow-scheduler").spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    assert.equal(env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN.value, "postgresql+psycopg2://$(BERTH_DB_USER):$(BERTH_DB_PASSWORD)@pg-flow.postgres.database.azure.com:5432/airflow_db?sslmode=require");
    assert.deepEqual(env.BERTH_DB_USER.valueFrom.secretKeyRef, { name: "airflow-db", key: "username" });
    const np = find(objects, "NetworkPolicy", "airflow");
    assert.ok(np.spec.egress.some((r: any) => r.to[0].ipBlock?.cidr === "10.0.16.0/24" && r.ports[0].port === 5432));
  });

  it("uses the configured storage class and worker memory, and puts AZURE_KEY_VAULT_URL on every Airflow pod", () => {
    const logs = find(objects, "PersistentVolumeClaim", "airflow-logs");
    assert.equal(logs.spec.storageClassName, "azurefile-csi-nfs");
    assert.deepEqual(logs.spec.accessModes, ["ReadWriteMany"]);
    assert.equal(find(objects, "StatefulSet", "airflow-worker").spec.template.spec.containers[0].resources.limits.memory, "4Gi");
    assert.ok(pods.length >= 6);
    for (const o of pods) assert.ok(o.spec.template.spec.containers[0].env.some((e: { name: string }) => e.name === "AZURE_KEY_VAULT_URL"), o.metadata.name);
  });

  it("syncs DAGs before start and keeps them current, with the git login by reference", () => {
    const spec = find(objects, "Deployment", "airflow-dag-processor").spec.template.spec;
    assert.equal(spec.initContainers[0].name, "git-sync-init");
    assert.ok(spec.initContainers[0].env.some((e: any) => e.name === "GITSYNC_ONE_TIME" && e.value === "true"));
    const sidecar = spec.containers.find((c: { name: string }) => c.name === "git-sync");
    assert.deepEqual(sidecar.env.find((e: any) => e.name === "GITSYNC_PASSWORD").valueFrom.secretKeyRef, { name: "git-dags", key: "GITSYNC_PASSWORD" });
    assert.equal(spec.containers[0].env.find((e: any) => e.name === "AIRFLOW__CORE__DAGS_FOLDER").value, "/git/repo/dags");
  });

  it("migrates in a Job named by its content, creating the admin user with its role, in one shell argument", () => {
    const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("airflow-migrate-"))!;
    const [sh, flag, script] = job.spec.template.spec.containers[0].command;
    assert.deepEqual([sh, flag], ["sh", "-c"]);
    assert.match(script, /airflow users create --role Admin /);
    assert.doesNotMatch(script, /\\\n|\n\s*\n/);
    for (const o of pods.filter((x) => x.kind !== "Job")) assert.ok(o.spec.template.spec.initContainers.some((c: { name: string }) => c.name === "wait-for-migrations"), o.metadata.name);
  });
});

describe("datalyptica in OpenShift mode", () => {
  it("sets no fixed UID, group or fsGroup on any pod, and still passes restricted pod security", () => {
    const r = build({ path: "examples/datalyptica", env: "prod", set: ["kubernetes.openshift=true"] });
    assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
    const objs = r.files!.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content));
    const pods = objs.filter((o) => o.spec?.template?.spec);
    assert.ok(pods.length > 15);
    for (const o of pods) {
      const sc = o.spec.template.spec.securityContext;
      assert.deepEqual([sc.runAsUser, sc.runAsGroup, sc.fsGroup], [undefined, undefined, undefined], o.metadata.name);
      assert.equal(sc.runAsNonRoot, true);
    }
  });
});

describe("review findings on the catalog stay fixed", () => {
  const objectsOf = (r: ReturnType<typeof build>) => r.files!.filter((f) => f.path.startsWith("manifests/")).flatMap((f) => parseDocs(f.content));

  it("refuses a database or consumer named after PostgreSQL's own roles", () => {
    const r = build({ path: "test/fixtures/core-services", env: "dev", set: ["components.postgresql.databases=[postgres]"] });
    assert.equal(r.ok, false);
    assert.ok(r.diagnostics.some((d) => d.code === "SPEC-RESERVED-DATABASE" && d.path === "spec.components.postgresql.databases"));
  });

  it("refuses SSH git URLs, which would need keys and known_hosts", () => {
    const r = build({ path: "test/fixtures/airflow", env: "dev", set: ["components.airflow.gitSync.repo=git@github.com:acme/dags.git"] });
    assert.ok(r.diagnostics.some((d) => d.path === "spec.components.airflow.gitSync.repo" && /https/.test(d.message)));
  });

  it("caps StatefulSet names at 52 characters", () => {
    const long = "r".repeat(53);
    const r = buildTextLocal(`apiVersion: berth.dev/v1alpha1\nkind: Platform\nmetadata: { name: x }\nspec:\n  kubernetes: { version: "1.31" }\n  components:\n    ${long}: { type: redis }\n  environments: { dev: {} }\n`);
    assert.ok(r.diagnostics.some((d) => d.code === "NAME-INVALID" && /52 characters/.test(d.message)), JSON.stringify(r.diagnostics.map((d) => d.message)));
  });

  it("sends a job's traffic to an endpoint's declared ranges, not to any public address", () => {
    const r = build({ path: "examples/datasurface-airflow", env: "prod", set: ["jobs.ring1-init.egress=[{name: merge-endpoint, hosts: [files.example.net], cidrs: [192.168.50.0/24], ports: [8443]}]"] });
    assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
    const np = find(objectsOf(r), "NetworkPolicy", "ring1-init");
    const rule = np.spec.egress.find((e: any) => e.ports.some((p: { port: number }) => p.port === 8443));
    assert.deepEqual(rule.to, [{ ipBlock: { cidr: "192.168.50.0/24" } }]);
    assert.equal(np.spec.egress.filter((e: any) => e.to[0].ipBlock?.cidr === "0.0.0.0/0").length, 1, "only Entra ID goes to public addresses");
  });

  it("opens airflow's egress to the domain a reference's type implies, in the spec's cloud", () => {
    const hostsIn = (cloud: string) => {
      const r = build({ path: "examples/datasurface-airflow", env: "dev", set: [`azure.cloud=${cloud}`] });
      assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
      return find(objectsOf(r), "NetworkPolicy", "airflow").metadata.annotations!["berth.dev/egress-hosts"]!.split(",");
    };
    assert.ok(hostsIn("AzureCloud").includes("*.vault.azure.net"));
    assert.ok(hostsIn("AzureChinaCloud").includes("*.vault.azure.cn"));
    assert.ok(hostsIn("AzureUSGovernment").includes("*.vault.usgovcloudapi.net"));
  });

  it("in a custom cloud, opens the vault's port without naming a host, and warns", () => {
    const r = build({ path: "examples/datasurface-airflow", env: "dev", set: ["azure.cloud.resourceManager=https://management.local.test/", "azure.cloud.authorityHost=https://login.local.test/"] });
    assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`), ["warning AZURE-EGRESS-HOST spec.components.airflow.env.AZURE_KEY_VAULT_URL"]);
    const np = find(objectsOf(r), "NetworkPolicy", "airflow");
    assert.doesNotMatch(np.metadata.annotations!["berth.dev/egress-hosts"]!, /vault/);
    assert.ok(np.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === "0.0.0.0/0" && e.ports.some((p: { port: number }) => p.port === 443)));
    // A job's egress: names its endpoints in a custom cloud; the reference adds nothing there.
    assert.doesNotMatch(find(objectsOf(r), "NetworkPolicy", "ring1-init").metadata.annotations!["berth.dev/egress-hosts"]!, /vault/);
  });

  it("renders a component env reference and a registry image reference as output tokens", () => {
    const r = build({ path: "examples/datasurface-airflow", env: "dev" });
    const worker = find(objectsOf(r), "StatefulSet", "airflow-worker").spec.template.spec.containers[0];
    assert.match(worker.image, /^\(\(berth\.output azure:Microsoft\.ContainerRegistry\/registries:datasurface-dev-main:datasurfacedevmain loginServer\)\)\/airflow3x-with-drivers:1\.1\.0$/);
    assert.equal(worker.env.find((e: { name: string }) => e.name === "AZURE_KEY_VAULT_URL").value, "((berth.output azure:Microsoft.KeyVault/vaults:datasurface-dev-main:datasurface-dev-main vaultUri))");
    const digest = "sha256:" + "a".repeat(64);
    const pinned = build({ path: "examples/datasurface-airflow", env: "dev", set: [`components.airflow.image={registry: {from: azure.registries.main, value: loginServer}, repository: airflow3x-with-drivers, digest: "${digest}"}`] });
    assert.equal(pinned.ok, true, JSON.stringify(pinned.diagnostics));
    assert.match(find(objectsOf(pinned), "StatefulSet", "airflow-worker").spec.template.spec.containers[0].image, new RegExp(`loginServer\\)\\)/airflow3x-with-drivers@${digest}$`));
  });

  it("allows OpenShift's DNS in OpenShift mode", () => {
    const objs = objectsOf(build({ path: "test/fixtures/core-services", env: "dev", set: ["kubernetes.openshift=true"] }));
    const np = find(objs, "NetworkPolicy", "postgresql");
    assert.equal(np.spec.egress[0].to[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"], "openshift-dns");
    assert.ok(np.spec.egress[0].ports.some((p: { port: number }) => p.port === 5353));
  });

  it("lets values scale only what can scale: not a single-instance database, nor a KRaft quorum", () => {
    const out = join(tempDir(), "out");
    assert.ok(writeBuild(build({ path: "test/fixtures/data-stack", env: "dev" }), out));
    for (const c of ["postgresql", "kafka", "minio", "clickhouse"]) assert.notEqual(helm(["template", "x", join(out, "chart"), "--set", `components.${c}.replicas=2`]).status, 0, c);
    assert.equal(helm(["template", "x", join(out, "chart"), "--set", "components.nessie.replicas=2"]).status, 0);
  });

  it("reads Airflow worker readiness from the log port, and gives Trino a catalog for an external PostgreSQL", () => {
    const af = objectsOf(build({ path: "test/fixtures/airflow", env: "dev" }));
    assert.deepEqual(find(af, "StatefulSet", "airflow-worker").spec.template.spec.containers[0].readinessProbe.tcpSocket, { port: "worker-logs" });
    const text = `${readFileSync("test/fixtures/airflow/berth.yaml", "utf8").replace("  components:\n", "  components:\n    trino: { type: trino, workers: 0, connects: [metadb] }\n")}`;
    const r = buildTextLocal(text);
    assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
    const catalog = objectsOf(r).find((o) => o.kind === "ConfigMap" && o.metadata.name === "trino-catalog")!.data["metadb.properties"] as string;
    assert.match(catalog, /connection-url=jdbc:postgresql:\/\/pg-flow\.postgres\.database\.azure\.com:5432\/airflow_db\?sslmode=require/);
    assert.match(catalog, /connection-user=\$\{ENV:METADB_USER\}/);
  });
});

function buildTextLocal(text: string) {
  const file = join(tempDir(), "berth.yaml");
  writeFileSync(file, text);
  return build({ path: file, env: "dev" });
}
