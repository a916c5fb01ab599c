/**
 * Stable secrets on every delivery path, for every example and environment: the build output (manifests, and the
 * chart as helm renders it) lints clean, renders the same bytes every time, holds no Secret value, and every Secret a
 * pod reads is created by an object of the output (the generator Job) or declared as the user's (on its Namespace).
 * Then the canary: berth up and the generator together on one cluster, and no value anywhere in output, logs or state.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { build, writeBuild } from "../../src/index.ts";
import { secretsReadBy } from "../../src/plan/secret-uses.ts";
import { runCli, tempDir } from "../support/cli.ts";
import { planOf, seedUserSecrets, testCluster } from "../support/deploy.ts";
import { helm } from "../support/helm.ts";
import { type Obj, parseDocs, readManifestDir } from "../support/manifests.ts";

const EXAMPLES = readdirSync("examples").filter((d) => existsSync(join("examples", d, "berth.yaml"))).sort();
const envsOf = (example: string): string[] => Object.keys((build({ path: `examples/${example}` }).spec?.platform.spec as { environments?: object } | undefined)?.environments ?? {});

/**
 * The environments whose full deploy the canary runs. A spec with an Azure side runs berth as its own process
 * against two test servers (seconds a run), so only dev: its other environments differ in sizes and SKUs, not in
 * where values go; their build output is still checked by the delivery tests above.
 */
const canaryEnvsOf = (example: string): string[] => (build({ path: `examples/${example}` }).spec?.platform.spec.azure ? envsOf(example).slice(0, 1) : envsOf(example));

function buildTo(example: string, env: string): string {
  const out = tempDir("berth-delivery-");
  const result = build({ path: `examples/${example}`, env });
  assert.ok(writeBuild(result, out), JSON.stringify(result.diagnostics));
  return out;
}

const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
    : [];

/**
 * Every (namespace, Secret, key) the output promises: Secret objects, the generator's list, the user's declarations,
 * and what a Key Vault delivery makes (the CSI driver syncs a SecretProviderClass's secretObjects; External Secrets
 * Operator writes an ExternalSecret's target).
 */
function promised(objects: Obj[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (ns: string, name: string, keys: readonly string[]) => out.set(`${ns}/${name}`, new Set([...(out.get(`${ns}/${name}`) ?? []), ...keys]));
  for (const o of objects) {
    if (o.kind === "Secret") add(o.metadata.namespace!, o.metadata.name, Object.keys({ ...o.data, ...o.stringData }));
    if (o.kind === "Certificate") add(o.metadata.namespace!, o.spec.secretName, ["tls.crt", "tls.key", "ca.crt"]);
    const generated = o.kind === "Job" ? o.metadata.annotations?.["berth.dev/generates-secrets"] : undefined;
    if (generated) for (const s of JSON.parse(generated) as { name: string; keys: string[]; namespaces: string[] }[]) for (const ns of s.namespaces) add(ns, s.name, s.keys);
    const provided = o.kind === "Namespace" ? o.metadata.annotations?.["berth.dev/provided-secrets"] : undefined;
    if (provided) for (const [name, keys] of Object.entries(JSON.parse(provided) as Record<string, string[]>)) add(o.metadata.name, name, keys);
    if (o.kind === "SecretProviderClass") for (const so of o.spec.secretObjects as { secretName: string; data: { key: string }[] }[]) add(o.metadata.namespace!, so.secretName, so.data.map((d) => d.key));
    if (o.kind === "ExternalSecret") add(o.metadata.namespace!, o.spec.target?.name ?? o.metadata.name, (o.spec.data as { secretKey: string }[]).map((d) => d.secretKey));
  }
  return out;
}

/** secretKeyRefs with their key; whole-Secret reads (volumes, envFrom, TLS) with none. */
function secretReads(o: Obj): { name: string; key?: string }[] {
  const reads: { name: string; key?: string }[] = [...secretsReadBy(o as never)].map((name) => ({ name }));
  JSON.stringify(o, (k, v) => {
    if (k === "secretKeyRef" && v?.name) reads.push({ name: v.name, key: v.key });
    return v;
  });
  return reads;
}

/** Examples with a Kubernetes side: the ones whose build output holds manifests and a chart. */
const onKubernetes = (example: string): boolean => build({ path: `examples/${example}` }).spec?.platform.spec.kubernetes !== undefined;

describe("every delivery path gets its secrets: build output of every example × environment", () => {
  for (const example of EXAMPLES.filter(onKubernetes))
    for (const env of envsOf(example))
      it(`${example} --env ${env}`, async () => {
        const out = buildTo(example, env);
        const manifests = readManifestDir(join(out, "manifests"));

        const lintOut = await runCli(["lint", out]);
        assert.equal(lintOut.code, 0, lintOut.stdout);
        assert.match(lintOut.stdout, /^0 finding\(s\)/m, lintOut.stdout);

        const first = helm(["template", example, join(out, "chart")]);
        assert.equal(first.status, 0, first.stderr);
        assert.equal(helm(["template", example, join(out, "chart")]).stdout, first.stdout, "helm template twice: the same bytes");
        assert.equal(parseDocs(first.stdout).filter((o) => o.kind === "Secret").length, 0, "no Secret, so no value, in the chart");
        const render = join(out, "render.yaml");
        writeFileSync(render, first.stdout);
        const lintRender = await runCli(["lint", render]);
        assert.equal(lintRender.code, 0, lintRender.stdout);
        assert.match(lintRender.stdout, /^0 finding\(s\)/m, lintRender.stdout);

        const have = promised(manifests);
        for (const o of manifests) {
          if (!o.metadata.namespace) continue;
          for (const read of secretReads(o)) {
            const keys = have.get(`${o.metadata.namespace}/${read.name}`);
            assert.ok(keys, `${o.kind} ${o.metadata.namespace}/${o.metadata.name} reads Secret ${read.name}, which nothing creates or declares`);
            if (read.key) assert.ok(keys.has(read.key), `${o.kind} ${o.metadata.name} reads key ${read.key} of ${read.name}`);
          }
        }

        // What the generator promises lint is what its script is told to make.
        const job = manifests.find((o) => o.kind === "Job" && o.metadata.name.startsWith("berth-secrets-"));
        const inventory = JSON.parse(readFileSync(join(out, "inventory.json"), "utf8")) as { creates: { secrets: { name: string; keys: string[]; namespaces: string[] }[] } };
        if (!job) assert.deepEqual(inventory.creates.secrets, []);
        else {
          const table = (job.spec.template.spec.containers[0].env as { name: string; value: string }[]).find((e) => e.name === "BERTH_SECRETS")!.value;
          const fromTable = table.split("\n").map((l) => {
            const [name, namespaces, ...keys] = l.split(" ");
            return { name, keys: keys.map((k) => k.split(":")[0]), namespaces: namespaces!.split(",") };
          });
          assert.deepEqual(JSON.parse(job.metadata.annotations!["berth.dev/generates-secrets"]!), fromTable);
          assert.deepEqual(inventory.creates.secrets.map((s) => ({ name: s.name, keys: s.keys, namespaces: s.namespaces })), fromTable);
        }
      });
});

/** Runs the generator Job's script as the cluster would: taken from the live Job that kubectl applied. */
async function runLiveGenerator(c: Awaited<ReturnType<typeof testCluster>>): Promise<string> {
  const job = c.server.list("batch/v1", "Job").find((j) => j.metadata.name.startsWith("berth-secrets-"));
  assert.ok(job, "the generator Job was applied");
  const container = job.spec.template.spec.containers[0];
  const sa = tempDir("berth-sa-");
  writeFileSync(join(sa, "token"), "t");
  writeFileSync(join(sa, "ca.crt"), "");
  const env = Object.fromEntries((container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  const run = await promisify(execFile)(container.command[0], container.command.slice(1), { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env, BERTH_API: c.server.url, BERTH_SA_DIR: sa } });
  return run.stdout + run.stderr;
}

/** Every Secret key a live pod template reads, with whether it exists. */
function liveSecretReads(c: Awaited<ReturnType<typeof testCluster>>, namespaces: readonly string[]): { ref: string; ok: boolean }[] {
  const out: { ref: string; ok: boolean }[] = [];
  for (const o of c.server.list().filter((x) => namespaces.includes(x.metadata?.namespace) && ["Deployment", "StatefulSet", "Job"].includes(x.kind)))
    JSON.stringify(o.spec?.template, (k, v) => {
      if (k === "secretKeyRef") out.push({ ref: `${o.metadata.namespace}/${v.name}.${v.key}`, ok: v.key in (c.server.get("v1", "Secret", o.metadata.namespace, v.name)?.data ?? {}) });
      return v;
    });
  return out;
}

describe("kubectl apply and helm template | kubectl apply, with the Job's script run as the cluster would", () => {
  for (const via of ["kubectl apply -f manifests/", "helm template | kubectl apply -f -"] as const)
    it(`${via}: every Secret a pod reads exists; re-applying and re-running changes no value${via.startsWith("kubectl") ? "; berth up afterwards keeps them" : ""}`, async () => {
      const c = await testCluster();
      try {
        const out = buildTo("datalyptica", "dev");
        let file = join(out, "manifests");
        if (via.startsWith("helm")) {
          const r = helm(["template", "datalyptica", join(out, "chart")]);
          assert.equal(r.status, 0, r.stderr);
          file = join(out, "render.yaml");
          writeFileSync(file, r.stdout);
        }
        await c.kubectl("apply", "-f", file);
        const namespaces = readManifestDir(join(out, "manifests")).filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
        assert.ok(liveSecretReads(c, namespaces).some((r) => !r.ok), "before the Job runs, pods lack their Secrets");
        const log = await runLiveGenerator(c);
        const reads = liveSecretReads(c, namespaces);
        assert.ok(reads.length > 20);
        assert.deepEqual(reads.filter((r) => !r.ok), [], "every Secret key a pod reads exists");
        const values = () => JSON.stringify(c.server.list("v1", "Secret").filter((s) => s.metadata.labels?.["berth.dev/generated"] === "true").map((s) => [s.metadata.namespace, s.metadata.name, s.data]));
        const first = values();
        await c.kubectl("apply", "-f", file);
        assert.doesNotMatch(await runLiveGenerator(c), /created|added/);
        assert.equal(values(), first, "a re-apply and a re-run keep every value");
        // berth up afterwards (once: the render is the same objects); what kubectl applied is taken over only when asked.
        const up = via.startsWith("kubectl") ? await c.berth("up", "examples/datalyptica", "dev", "--yes", "--adopt") : { code: 0, stdout: "", stderr: "" };
        assert.equal(up.code, 0, up.stderr);
        assert.equal(values(), first, "berth up takes the Job's Secrets as its own and keeps them");
        for (const s of c.server.list("v1", "Secret").filter((x) => x.metadata.labels?.["berth.dev/generated"] === "true"))
          for (const v of Object.values(s.data as Record<string, string>)) assert.ok(!(log + up.stdout + up.stderr).includes(Buffer.from(v, "base64").toString()));
      } finally {
        await c.close();
      }
    });
});

describe("canary: no secret value in any output, log or state", () => {
  const CANARY = "CANARY-b3rth-5ecr3t";
  // A cluster per environment: the environments of an example share namespace names, as separate clusters do.
  for (const example of EXAMPLES)
    for (const env of canaryEnvsOf(example))
      it(`${example} --env ${env}: plan (text, --json), berth up (--json progress), the generator Job's script, the build output, the journal and the revisions stored in the cluster hold no value`, async () => {
        const path = `examples/${example}`;
        const c = await testCluster();
        try {
          const texts: { where: string; text: string }[] = [];
          const plan = planOf(path, env);
          seedUserSecrets(c.server, plan, CANARY);
          const out = buildTo(example, env);
          // Where the example has apps of its own, a credential-like --set carries the canary too (shown masked, applied).
          const app = Object.keys((build({ path, env }).spec?.platform.spec as { apps?: object } | undefined)?.apps ?? {})[0];
          const set = app ? ["--set", `apps.${app}.env[API_TOKEN_FILE]=${CANARY}-set`] : [];
          const shown = await c.berth("plan", path, env, ...set);
          assert.equal(shown.code, 3, shown.stdout + shown.stderr);
          const up = await c.berth("up", path, env, "--yes", "--json", ...set);
          assert.equal(up.code, 0, up.stdout + up.stderr);
          assert.ok(up.stdout.split("\n").filter(Boolean).length > plan.steps.length, "--json progress: a line per step state");
          const after = await c.berth("plan", path, env, "--json", ...set);
          assert.equal(after.code, 0, after.stdout + after.stderr);
          texts.push({ where: "plan", text: shown.stdout + shown.stderr }, { where: "up --json", text: up.stdout + up.stderr }, { where: "plan --json", text: after.stdout + after.stderr });
          if (app) {
            // A changed --set value: plan shows the field's diff, with the value masked on both sides.
            const changed = ["--set", `apps.${app}.env[API_TOKEN_FILE]=${CANARY}-changed`];
            for (const json of [[], ["--json"]]) {
              const diff = await c.berth("plan", path, env, ...json, ...changed);
              assert.equal(diff.code, 3, diff.stdout + diff.stderr);
              assert.match(diff.stdout, json.length ? /"from": "\(masked\)",\s+"to": "\(masked\)"/ : /env\[\d+\]\.value: \(masked\) → \(masked\)/);
              texts.push({ where: `plan ${json.join("")} of a changed --set`, text: diff.stdout + diff.stderr });
            }
          }

          // kubectl apply after berth up: the generator finds every Secret berth up made, and writes nothing.
          const job = onKubernetes(example) ? readManifestDir(join(out, "manifests")).find((o) => o.kind === "Job" && o.metadata.name.startsWith("berth-secrets-")) : undefined;
          if (job) {
            const container = job.spec.template.spec.containers[0];
            const sa = tempDir("berth-sa-");
            writeFileSync(join(sa, "token"), "t");
            writeFileSync(join(sa, "ca.crt"), "");
            const mark = c.server.requests.length;
            const vars = Object.fromEntries((container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
            const run = await promisify(execFile)("sh", ["-c", container.command[2], "berth-secrets"], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...vars, BERTH_API: c.server.url, BERTH_SA_DIR: sa } });
            assert.deepEqual(c.server.requests.slice(mark).filter((r) => r.method !== "GET"), [], "berth up's Secrets have the generator's names, keys and labels");
            assert.doesNotMatch(run.stdout, /created|added/);
            texts.push({ where: "generator output", text: run.stdout + run.stderr });
          }
          for (const f of filesUnder(out)) texts.push({ where: f, text: readFileSync(f, "utf8") });
          for (const f of filesUnder(c.stateDir)) texts.push({ where: f, text: readFileSync(f, "utf8") });
          // The history as stored in the cluster: each revision Secret decompressed; and the Lease.
          const state = c.server.list("v1", "Secret").filter((s) => s.metadata.namespace === "berth-system");
          // A plan that creates its cluster keeps its history in the state folder, read above with the other state files.
          // So does a plan with nothing in a cluster (Azure and Databricks only).
          const inCluster = plan.steps.some((st) => st.provider === "kubernetes") && (!plan.cluster || plan.cluster.existing);
          if (inCluster) assert.ok(state.length >= 1, "the revision is stored in the cluster");
          else assert.ok(filesUnder(c.stateDir).some((f) => f.endsWith(".json.gz")), "the revision is stored in the state folder");
          for (const f of filesUnder(c.stateDir).filter((f) => f.endsWith(".gz"))) texts.push({ where: `${f} (decompressed)`, text: gunzipSync(readFileSync(f)).toString("utf8") });
          for (const s of state) texts.push({ where: `revision ${s.metadata.name}`, text: gunzipSync(Buffer.from(s.data.revision as string, "base64")).toString("utf8") });
          for (const l of c.server.list("coordination.k8s.io/v1", "Lease")) texts.push({ where: `lease ${l.metadata.name}`, text: JSON.stringify(l) });

          const values = (pick: (s: Record<string, any>) => boolean) =>
            c.server
              .list("v1", "Secret")
              .filter(pick)
              .flatMap((s) => Object.values((s.data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, "base64").toString()));
          const generated = values((s) => s.metadata.labels?.["berth.dev/generated"] === "true");
          // The admin passwords berth generated in Azure (kept in the vault; the test server keeps them for this check).
          for (const server of c.azure()?.resources().filter((r) => /flexibleServers$|Sql\/servers$/i.test(String(r.type))) ?? []) {
            const password = c.azure()!.writeOnly(String(server.id), "properties.administratorLoginPassword");
            assert.equal(typeof password, "string", `the admin password of ${server.name} was set`);
            generated.push(password as string);
          }
          // Every value the environment's Key Vault holds (vault mode): generated there, or set by the user (canary-marked).
          for (const secret of c.azure()?.resources("Microsoft.KeyVault/vaults/secrets") ?? []) {
            const value = c.azure()!.writeOnly(String(secret.id), "properties.value");
            assert.equal(typeof value, "string", `${secret.name} holds a value`);
            // An admin login is not a secret (and appears in the spec), nor is the tenant id a sign-in reads (it is in the plan).
            if (value !== "dsadmin" && value !== c.azure()!.tenantId) generated.push(value as string);
          }
          const seeded = plan.steps.filter((s) => s.action.type === "require-secret").length;
          assert.ok(generated.length + seeded > 0 || app, "the cluster holds values to look for");
          if (app) assert.ok(JSON.stringify(c.server.list("apps/v1", "Deployment")).includes(`${CANARY}-set`), "the --set value reached the cluster");
          for (const { where, text } of texts) {
            assert.ok(!text.includes(CANARY), `a user-provided value appears in ${where}`);
            for (const v of generated) assert.ok(!text.includes(v), `a generated value appears in ${where}`);
          }
        } finally {
          await c.close();
        }
      });
});
