/**
 * The secret generator Job's own script, taken from the rendered manifests and run with the machine's sh and curl
 * against the test API server (which runs no containers): what this proves is what the Job does in a cluster.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { build, writeBuild } from "../../src/index.ts";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server/index.ts";
import { type Obj, readManifestDir } from "../support/manifests.ts";
import { tempDir } from "../support/cli.ts";

const exec = promisify(execFile);

interface Generator {
  readonly objects: Obj[];
  readonly job: Obj;
  readonly script: string;
  readonly env: Record<string, string>;
  readonly table: { name: string; namespaces: string[]; keys: { key: string; form: string }[] }[];
}

function generatorOf(example: string, env: string): Generator {
  const out = tempDir("berth-secgen-");
  const result = build({ path: `examples/${example}`, env });
  assert.ok(writeBuild(result, out), JSON.stringify(result.diagnostics));
  const objects = readManifestDir(join(out, "manifests"));
  const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("berth-secrets-"));
  assert.ok(job, "the manifests carry the generator Job");
  const container = job.spec.template.spec.containers[0];
  assert.deepEqual(container.command.slice(0, 2), ["/bin/sh", "-c"]);
  const vars = Object.fromEntries((container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  const table = vars.BERTH_SECRETS!.split("\n").map((line) => {
    const [name, namespaces, ...keys] = line.split(" ");
    return { name: name!, namespaces: namespaces!.split(","), keys: keys.map((k) => ({ key: k.split(":")[0]!, form: k.split(":")[1]! })) };
  });
  return { objects, job, script: container.command[2], env: vars, table };
}

/**
 * The image's shell and tools are BusyBox's: when the machine has busybox, a folder of its applets (sh, tr, sed,
 * grep, head, tail, base64, cat) goes first on PATH, with the machine's curl behind them.
 */
const BUSYBOX = ["/usr/bin/busybox", "/bin/busybox"].find((p) => existsSync(p));
function busyboxPath(): string {
  const dir = tempDir("berth-busybox-");
  for (const applet of ["sh", "tr", "sed", "grep", "head", "tail", "base64", "cat"]) symlinkSync(BUSYBOX!, join(dir, applet));
  return dir;
}

async function runScript(g: Generator, server: KubeApiServer, shell: "sh" | "busybox" = "sh"): Promise<{ code: number; output: string }> {
  const sa = tempDir("berth-sa-");
  writeFileSync(join(sa, "token"), "berth-test-token");
  writeFileSync(join(sa, "ca.crt"), "");
  const path = `${shell === "busybox" ? `${busyboxPath()}:` : ""}${process.env.PATH ?? "/usr/bin:/bin"}`;
  try {
    const r = await exec("sh", ["-c", g.script, "berth-secrets"], { env: { PATH: path, ...g.env, BERTH_API: server.url, BERTH_SA_DIR: sa }, timeout: 60_000 });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, output: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}

const secretOf = (server: KubeApiServer, ns: string, name: string) => server.get("v1", "Secret", ns, name) as { data?: Record<string, string>; metadata: { labels?: Record<string, string>; resourceVersion: string } } | undefined;
const decoded = (data: Record<string, string> | undefined) => Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));

function seedNamespaces(server: KubeApiServer, g: Generator): void {
  for (const ns of g.objects.filter((o) => o.kind === "Namespace")) server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns.metadata.name } });
}

describe("secret generator script (datalyptica, dev)", () => {
  const g = generatorOf("datalyptica", "dev");
  let server: KubeApiServer;
  before(async () => {
    server = await startKubeApiServer({ readyAfterMs: {} });
    seedNamespaces(server, g);
  });
  after(() => server.close());

  const values = () => g.table.flatMap((s) => s.namespaces.flatMap((ns) => Object.values(decoded(secretOf(server, ns, s.name)?.data))));

  it("creates every Secret in every namespace, one value per logical secret, of the right form, printing no value", async () => {
    const run = await runScript(g, server);
    assert.equal(run.code, 0, run.output);
    assert.ok(g.table.length >= 10, "datalyptica generates its credentials");
    for (const s of g.table) {
      const copies = s.namespaces.map((ns) => secretOf(server, ns, s.name));
      for (const [i, c] of copies.entries()) {
        assert.ok(c, `${s.namespaces[i]}/${s.name} created`);
        assert.deepEqual(Object.keys(c.data ?? {}).sort(), s.keys.map((k) => k.key).sort());
        assert.equal(c.metadata.labels?.["berth.dev/generated"], "true");
        assert.equal(c.metadata.labels?.["berth.dev/instance"], "datalyptica.dev");
      }
      for (const c of copies.slice(1)) assert.deepEqual(c!.data, copies[0]!.data, `${s.name}: every copy holds the owner's values`);
      const data = decoded(copies[0]!.data);
      for (const { key, form } of s.keys) {
        const v = data[key]!;
        if (form === "fernet") {
          assert.match(v, /^[A-Za-z0-9_-]{43}=$/, `${s.name}.${key} is URL-safe base64`);
          assert.equal(Buffer.from(v, "base64url").length, 32, `${s.name}.${key} holds 32 bytes`);
        } else assert.match(v, new RegExp(`^[A-Za-z0-9]{${Number(form.replace("alnum", ""))}}$`), `${s.name}.${key}`);
      }
    }
    const all = values();
    assert.equal(new Set(all.filter((v) => v.length >= 32)).size > 5, true, "values are random, not one value reused");
    for (const v of all) assert.ok(!run.output.includes(v), "no value in the script's output");
    assert.match(run.output, /created Secret datalyptica-core\/postgresql-admin/);
  });

  it("changes nothing when run again", async () => {
    const before = JSON.stringify(g.table.map((s) => s.namespaces.map((ns) => secretOf(server, ns, s.name))));
    const mark = server.requests.length;
    const run = await runScript(g, server);
    assert.equal(run.code, 0, run.output);
    const writes = server.requests.slice(mark).filter((r) => r.method !== "GET");
    assert.deepEqual(writes, [], "a second run only reads");
    assert.equal(JSON.stringify(g.table.map((s) => s.namespaces.map((ns) => secretOf(server, ns, s.name)))), before);
    assert.doesNotMatch(run.output, /created|added/);
  });

  it("makes only the requests its Roles allow, in the namespaces of the table", () => {
    const home = g.job.metadata.namespace!;
    for (const r of server.requests) {
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(r.path);
      assert.ok(m, `${r.method} ${r.path} is a Secret request`);
      const [, ns, name] = m;
      const verb = { GET: "get", POST: "create", PATCH: "patch" }[r.method];
      assert.ok(verb, r.method);
      const role = g.objects.find((o) => o.kind === "Role" && o.metadata.namespace === ns && o.metadata.name === "berth-secrets");
      const binding = g.objects.find((o) => o.kind === "RoleBinding" && o.metadata.namespace === ns && o.metadata.name === "berth-secrets");
      assert.ok(role && binding, `Role and RoleBinding in ${ns}`);
      assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "berth-secrets", namespace: home }]);
      const allowed = (role.rules as { resources: string[]; verbs: string[]; resourceNames?: string[] }[]).some(
        (rule) => rule.resources.includes("secrets") && rule.verbs.includes(verb) && (!rule.resourceNames || (name !== undefined && rule.resourceNames.includes(name))),
      );
      assert.ok(allowed, `${r.method} ${r.path} allowed by Role ${ns}/berth-secrets`);
    }
    const roles = g.objects.filter((o) => o.kind === "Role" && o.metadata.name === "berth-secrets");
    for (const role of roles) for (const rule of role.rules) if (rule.verbs.includes("get")) assert.ok(rule.resourceNames?.length, "get only on named Secrets");
  });
});

describe("secret generator script under BusyBox, the image's shell and tools", () => {
  it("creates the same Secrets, of the same forms, and a re-run writes nothing", { skip: BUSYBOX || process.env.CI ? false : "no busybox on this machine (.ci/run installs it; CI never skips this)" }, async () => {
    const g = generatorOf("datalyptica", "dev"); // Airflow among its components: a Fernet key too
    const server = await startKubeApiServer({ readyAfterMs: {} });
    try {
      seedNamespaces(server, g);
      const first = await runScript(g, server, "busybox");
      assert.equal(first.code, 0, first.output);
      for (const s of g.table)
        for (const ns of s.namespaces) {
          const data = decoded(secretOf(server, ns, s.name)?.data);
          for (const { key, form } of s.keys) assert.match(data[key] ?? "", form === "fernet" ? /^[A-Za-z0-9_-]{43}=$/ : new RegExp(`^[A-Za-z0-9]{${form.replace("alnum", "")}}$`), `${ns}/${s.name}.${key}`);
        }
      const mark = server.requests.length;
      const again = await runScript(g, server, "busybox");
      assert.equal(again.code, 0, again.output);
      assert.deepEqual(server.requests.slice(mark).filter((r) => r.method !== "GET"), []);
    } finally {
      await server.close();
    }
  });
});

describe("secret generator script with Secrets already there", () => {
  const g = generatorOf("datalyptica", "qa");
  let server: KubeApiServer;
  before(async () => {
    server = await startKubeApiServer({ readyAfterMs: {} });
    seedNamespaces(server, g);
  });
  after(() => server.close());

  it("never overwrites: a copy found anywhere is the value everywhere; missing keys are added, present ones kept", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    // Someone's own value, only in a consumer's namespace; and an owner's Secret that lacks two keys.
    server.seed({ apiVersion: "v1", kind: "Secret", metadata: { name: "postgresql-user-trino", namespace: "datalyptica-apps" }, type: "Opaque", data: { password: b64("canary-trino-value") } });
    server.seed({ apiVersion: "v1", kind: "Secret", metadata: { name: "airflow-keys", namespace: "datalyptica-apps" }, type: "Opaque", data: { "fernet-key": b64("canary-fernet-value") } });
    // A key that is there with an empty value is there: kept, and copied as it is (as berth up does).
    server.seed({ apiVersion: "v1", kind: "Secret", metadata: { name: "redis-auth", namespace: "datalyptica-core" }, type: "Opaque", data: { password: "" } });
    const run = await runScript(g, server);
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(decoded(secretOf(server, "datalyptica-core", "redis-auth")?.data), { password: "" });
    assert.deepEqual(decoded(secretOf(server, "datalyptica-apps", "redis-auth")?.data), { password: "" });
    assert.deepEqual(decoded(secretOf(server, "datalyptica-core", "postgresql-user-trino")?.data), { password: "canary-trino-value" });
    assert.deepEqual(decoded(secretOf(server, "datalyptica-apps", "postgresql-user-trino")?.data), { password: "canary-trino-value" });
    const keys = decoded(secretOf(server, "datalyptica-apps", "airflow-keys")?.data);
    assert.equal(keys["fernet-key"], "canary-fernet-value");
    assert.match(keys["jwt-secret"] ?? "", /^[A-Za-z0-9]{40}$/);
    assert.match(keys["api-secret-key"] ?? "", /^[A-Za-z0-9]{40}$/);
    assert.match(run.output, /added jwt-secret, api-secret-key to Secret datalyptica-apps\/airflow-keys; existing values kept/);
    assert.ok(!run.output.includes("canary"), "no value in the output");
  });

  it("starts a secret again when someone else created it meanwhile (409), and gives up after five tries", async () => {
    const once = await startKubeApiServer({ readyAfterMs: {} });
    const always = await startKubeApiServer({ readyAfterMs: {} });
    try {
      seedNamespaces(once, g);
      seedNamespaces(always, g);
      once.addFault({ type: "http", status: 409, match: { method: "POST" }, count: 1 });
      const run = await runScript(g, once);
      assert.equal(run.code, 0, run.output);
      for (const s of g.table) for (const ns of s.namespaces) assert.ok(secretOf(once, ns, s.name), `${ns}/${s.name}`);
      always.addFault({ type: "http", status: 409, match: { method: "POST" }, count: 1000 });
      const stuck = await runScript(g, always);
      assert.notEqual(stuck.code, 0);
      assert.match(stuck.output, /berth-secrets: Secret postgresql-admin keeps changing under us; giving up/);
      assert.equal(always.requests.filter((r) => r.method === "POST").length, 5);
    } finally {
      await once.close();
      await always.close();
    }
  });

  it("fails, naming the Secret and the HTTP status, when the API refuses", async () => {
    const fresh = await startKubeApiServer({ readyAfterMs: {} });
    try {
      seedNamespaces(fresh, g);
      fresh.addFault({ type: "http", status: 403, match: { method: "POST" }, count: 100 });
      const run = await runScript(g, fresh);
      assert.notEqual(run.code, 0);
      assert.match(run.output, /berth-secrets: cannot create Secret datalyptica-core\/postgresql-admin \(HTTP 403/);
    } finally {
      await fresh.close();
    }
  });
});
