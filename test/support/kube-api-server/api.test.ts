/** API conventions: discovery, verbs, apply and patch semantics, validation, selectors, tables, watch, deletion. */
import { request } from "node:http";
import assert from "node:assert/strict";
import { test } from "node:test";
import { startKubeApiServer } from "./index.ts";
import type { KubeApiServer, Scenario } from "./types.ts";
import { apply, call, deployment, namespace, waitFor } from "./testing.ts";

async function withServer(fn: (server: KubeApiServer) => Promise<void>, scenario: Scenario = {}): Promise<void> {
  const server = await startKubeApiServer(scenario);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

test("discovery: version, core and group resource lists with verbs and short names; default CRD groups", () =>
  withServer(async (server) => {
    assert.equal((await call(server, "GET", "/version")).body.gitVersion, "v1.32.4");
    assert.deepEqual((await call(server, "GET", "/api")).body.versions, ["v1"]);
    const core = (await call(server, "GET", "/api/v1")).body;
    assert.equal(core.kind, "APIResourceList");
    const pods = core.resources.find((r: { name: string }) => r.name === "pods");
    assert.deepEqual([pods.singularName, pods.namespaced, pods.kind, pods.shortNames], ["pod", true, "Pod", ["po"]]);
    assert.ok(pods.verbs.includes("patch") && pods.verbs.includes("deletecollection"));
    assert.ok(core.resources.some((r: { name: string; verbs: string[] }) => r.name === "pods/log" && r.verbs.join() === "get"));
    assert.equal(core.resources.find((r: { name: string }) => r.name === "namespaces").namespaced, false);
    const groups = (await call(server, "GET", "/apis")).body.groups.map((g: { name: string }) => g.name);
    for (const g of ["apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io", "policy", "autoscaling", "apiextensions.k8s.io", "storage.k8s.io", "monitoring.coreos.com", "cert-manager.io"])
      assert.ok(groups.includes(g), g);
    const hpa = (await call(server, "GET", "/apis/autoscaling/v2")).body.resources.find((r: { kind: string }) => r.kind === "HorizontalPodAutoscaler");
    assert.equal(hpa.name, "horizontalpodautoscalers");
    const cm = (await call(server, "GET", "/apis/cert-manager.io/v1")).body.resources.map((r: { name: string; namespaced: boolean }) => `${r.name}:${r.namespaced}`);
    for (const r of ["certificates:true", "issuers:true", "clusterissuers:false"]) assert.ok(cm.includes(r), r);
    assert.equal((await call(server, "GET", "/apis/monitoring.coreos.com/v1")).body.resources.some((r: { kind: string }) => r.kind === "ServiceMonitor"), true);
    assert.equal((await call(server, "GET", "/apis/nope.example.com/v1")).code, 404);
    assert.equal((await call(server, "GET", "/api/v1/namespaces/default/widgets")).body.reason, "NotFound");
  }));

test("crds: 'none' serves no operator groups", async () => {
  const server = await startKubeApiServer({ crds: "none" });
  try {
    const groups = (await call(server, "GET", "/apis")).body.groups.map((g: { name: string }) => g.name);
    assert.equal(groups.includes("monitoring.coreos.com"), false);
    assert.equal((await call(server, "GET", "/apis/cert-manager.io/v1/clusterissuers")).code, 404);
  } finally {
    await server.close();
  }
});

test("applying a CustomResourceDefinition serves its kind once Established; deleting it removes its objects", () =>
  withServer(async (server) => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: { group: "example.com", scope: "Namespaced", names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" }, versions: [{ name: "v1", served: true, storage: true }] },
    };
    assert.equal((await apply(server, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", crd)).code, 201);
    const established = await waitFor(server, "Established", () => {
      const c = server.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, "widgets.example.com");
      return c?.status?.conditions?.some((x: { type: string; status: string }) => x.type === "Established" && x.status === "True") && c;
    });
    assert.ok(established.status.conditions.some((x: { type: string; status: string }) => x.type === "NamesAccepted" && x.status === "True"));
    const list = (await call(server, "GET", "/apis/example.com/v1")).body;
    assert.deepEqual(list.resources.map((r: { name: string }) => r.name), ["widgets"]);
    const w = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1", namespace: "default" }, spec: { size: 1 } };
    const created = await apply(server, "/apis/example.com/v1/namespaces/default/widgets/w1", w);
    assert.deepEqual([created.code, created.body.metadata.generation], [201, 1]);
    const changed = await apply(server, "/apis/example.com/v1/namespaces/default/widgets/w1", { ...w, spec: { size: 2 } });
    assert.equal(changed.body.metadata.generation, 2);
    const wrongName = await apply(server, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets", { ...crd, metadata: { name: "gadgets" } });
    assert.equal(wrongName.code, 422);
    assert.equal((await call(server, "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")).code, 200);
    assert.equal((await call(server, "GET", "/apis/example.com/v1/namespaces/default/widgets/w1")).code, 404);
    await waitFor(server, "widget removed", () => server.list("example.com/v1", "Widget").length === 0);
  }));

test("server-side apply: fieldManager required, status kept, generation only for spec changes, fields dropped from the config are removed", () =>
  withServer(async (server) => {
    const path = "/apis/apps/v1/namespaces/default/deployments/web";
    const noManager = await call(server, "PATCH", path, deployment("web", "default"), "application/apply-patch+yaml");
    assert.equal(noManager.code, 422);
    assert.equal(noManager.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');

    const yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web, tier: front}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, image: 'nginx:1', env: [{name: A, value: '1'}, {name: B, value: '2'}]}]\nstatus: {replicas: 99}\n";
    const created = await call(server, "PATCH", `${path}?fieldManager=berth`, yaml, "application/apply-patch+yaml");
    assert.equal(created.code, 201);
    assert.equal(created.body.metadata.generation, 1);
    assert.equal(created.body.status, undefined, "status in an apply is ignored");
    assert.equal(created.body.spec.strategy.type, "RollingUpdate", "defaults are set");
    assert.deepEqual(created.body.metadata.managedFields.map((m: { manager: string; operation: string }) => [m.manager, m.operation]), [["berth", "Apply"]]);
    assert.ok(created.body.metadata.managedFields[0].fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"app"}']["f:env"]['k:{"name":"B"}']);
    assert.ok(created.body.metadata.creationTimestamp && created.body.metadata.uid);

    await waitFor(server, "status", () => server.get("apps/v1", "Deployment", "default", "web")?.status?.readyReplicas === 1);
    const labelOnly = await call(server, "PATCH", `${path}?fieldManager=berth`, yaml.replace("tier: front", "tier: back"), "application/apply-patch+yaml");
    assert.equal(labelOnly.code, 200);
    assert.equal(labelOnly.body.metadata.generation, 1, "metadata changes do not bump generation");
    assert.equal(labelOnly.body.metadata.labels.tier, "back");
    assert.equal(labelOnly.body.status.readyReplicas, 1, "status is kept");

    const dropped = await call(server, "PATCH", `${path}?fieldManager=berth`, yaml.replace(", tier: front", "").replace(", {name: B, value: '2'}", ""), "application/apply-patch+yaml");
    assert.equal(dropped.body.metadata.generation, 2);
    assert.deepEqual(dropped.body.metadata.labels, { app: "web" });
    assert.deepEqual(dropped.body.spec.template.spec.containers[0].env, [{ name: "A", value: "1" }]);
    assert.equal(dropped.body.spec.progressDeadlineSeconds, 600, "defaulted fields nobody applied stay");

    // another manager shares a field with the same value: no conflict; a different value conflicts unless forced
    const shared = await call(server, "PATCH", `${path}?fieldManager=other`, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 1 } }, "application/apply-patch+yaml");
    assert.equal(shared.code, 200);
    const clash = await call(server, "PATCH", `${path}?fieldManager=other`, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 4 } }, "application/apply-patch+yaml");
    assert.equal(clash.code, 409);
    assert.equal(clash.body.reason, "Conflict");
    assert.equal(clash.body.message, 'Apply failed with 1 conflict: conflict with "berth" using apps/v1: .spec.replicas');
    assert.deepEqual(clash.body.details.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "berth" using apps/v1', field: ".spec.replicas" }]);
    const forced = await apply(server, path, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 4 } }, "other", true);
    assert.equal(forced.body.spec.replicas, 4);
    const berth = forced.body.metadata.managedFields.find((m: { manager: string }) => m.manager === "berth");
    assert.equal(berth.fieldsV1["f:spec"]["f:replicas"], undefined, "forcing takes the field over");
  }));

test("seeded objects belong to manager 'seed': applying different values conflicts unless forced", () =>
  withServer(async (server) => {
    server.seed({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "foreign", namespace: "default", labels: { owner: "someone" } }, data: { k: "v" } });
    const seeded = server.get("v1", "ConfigMap", "default", "foreign")!;
    assert.ok(seeded.metadata.uid && seeded.metadata.resourceVersion);
    assert.equal(seeded.metadata.managedFields[0].manager, "seed");
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "foreign" }, data: { k: "mine" } };
    assert.equal((await apply(server, "/api/v1/namespaces/default/configmaps/foreign", body)).code, 409);
    const forced = await apply(server, "/api/v1/namespaces/default/configmaps/foreign", body, "test", true);
    assert.deepEqual([forced.code, forced.body.data.k, forced.body.metadata.labels.owner], [200, "mine", "someone"]);
  }));

test("merge, strategic-merge and json patches", () =>
  withServer(async (server) => {
    await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default"));
    const path = "/apis/apps/v1/namespaces/default/deployments/web";
    const merge = await call(server, "PATCH", path, { metadata: { labels: { extra: "x", app: null } } }, "application/merge-patch+json");
    assert.deepEqual(merge.body.metadata.labels, { extra: "x" });
    const smp = await call(server, "PATCH", path, { spec: { template: { spec: { containers: [{ name: "sidecar", image: "busybox:1" }] } } } }, "application/strategic-merge-patch+json");
    assert.deepEqual(smp.body.spec.template.spec.containers.map((c: { name: string }) => c.name), ["app", "sidecar"], "strategic patches merge containers by name");
    assert.equal(smp.body.metadata.generation, 2);
    const del = await call(server, "PATCH", path, { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } }, "application/strategic-merge-patch+json");
    assert.deepEqual(del.body.spec.template.spec.containers.map((c: { name: string }) => c.name), ["app"]);
    const jp = await call(server, "PATCH", path, [{ op: "replace", path: "/spec/replicas", value: 2 }, { op: "add", path: "/metadata/annotations", value: { a: "b" } }], "application/json-patch+json");
    assert.deepEqual([jp.code, jp.body.spec.replicas, jp.body.metadata.annotations.a], [200, 2, "b"]);
    const failedTest = await call(server, "PATCH", path, [{ op: "test", path: "/spec/replicas", value: 7 }], "application/json-patch+json");
    assert.equal(failedTest.code, 422);
    assert.equal((await call(server, "PATCH", path, "{not json", "application/merge-patch+json")).code, 400);
    assert.equal((await call(server, "PATCH", path, { spec: {} }, "text/plain")).code, 415);
    assert.equal((await call(server, "PATCH", "/apis/apps/v1/namespaces/default/deployments/nope", { spec: {} }, "application/merge-patch+json")).code, 404);
    const managers = server.get("apps/v1", "Deployment", "default", "web")!.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
    assert.deepEqual(managers, ["test/Apply", "node/Update"]);
  }));

test("validation: 422 Invalid for missing name, selector problems, immutable Job template; 400 for bad bodies", () =>
  withServer(async (server) => {
    const noName = await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: {} });
    assert.deepEqual([noName.code, noName.body.reason, noName.body.message], [422, "Invalid", 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required']);
    const generated = await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "cfg-" } });
    assert.match(generated.body.metadata.name, /^cfg-[a-z0-9]{5}$/);
    const badName = await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Bad_Name" } });
    assert.equal(badName.code, 422);
    assert.match(badName.body.message, /metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);

    const d = deployment("web", "default");
    const noSelector = await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", { ...d, spec: { ...d.spec, selector: undefined } });
    assert.deepEqual([noSelector.code, noSelector.body.message], [422, 'Deployment.apps "web" is invalid: spec.selector: Required value']);
    assert.deepEqual(noSelector.body.details, { name: "web", group: "apps", kind: "Deployment", causes: [{ reason: "FieldValueRequired", message: "Required value", field: "spec.selector" }] });
    const mismatch = await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", { ...d, spec: { ...d.spec, selector: { matchLabels: { app: "x" } } } });
    assert.equal(mismatch.body.message, 'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`');
    assert.equal(server.get("apps/v1", "Deployment", "default", "web"), undefined);

    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1" }] } } } };
    assert.equal((await apply(server, "/apis/batch/v1/namespaces/default/jobs/j", job)).code, 201);
    const again = await apply(server, "/apis/batch/v1/namespaces/default/jobs/j", job);
    assert.equal(again.code, 200, "re-applying the same Job is fine");
    const changed = structuredClone(job);
    changed.spec.template.spec.containers[0]!.image = "busybox:2";
    const immutable = await apply(server, "/apis/batch/v1/namespaces/default/jobs/j", changed);
    assert.equal(immutable.code, 422);
    assert.match(immutable.body.message, /^Job\.batch "j" is invalid: spec\.template: Invalid value: .*: field is immutable$/);
    const alwaysJob = await apply(server, "/apis/batch/v1/namespaces/default/jobs/k", { ...job, metadata: { name: "k" }, spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1" }] } } } });
    assert.match(alwaysJob.body.message, /spec\.template\.spec\.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/);

    assert.equal((await call(server, "POST", "/api/v1/namespaces/default/configmaps", "{oops")).code, 400);
    const mismatchName = await call(server, "PUT", "/api/v1/namespaces/default/configmaps/a", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } });
    assert.deepEqual([mismatchName.code, mismatchName.body.reason], [400, "BadRequest"]);
    const wrongKind = await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "Secret", metadata: { name: "s" } });
    assert.equal(wrongKind.code, 400);
    assert.equal((await call(server, "PUT", "/api/v1/namespaces/default/configmaps/absent", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "absent" } })).code, 404);
    assert.equal((await call(server, "POST", "/api/v1/namespaces/default/configmaps/x", {})).code, 405);
  }));

test("create in a missing namespace is 404 namespaces \"x\" not found", () =>
  withServer(async (server) => {
    const r = await apply(server, "/api/v1/namespaces/ghost/configmaps/c", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } });
    assert.deepEqual([r.code, r.body.reason, r.body.message, r.body.details], [404, "NotFound", 'namespaces "ghost" not found', { name: "ghost", kind: "namespaces" }]);
  }));

test("list: label selectors (=, ==, !=, in, notin, exists, !key), field selectors, cross-namespace, pagination, List kind", () =>
  withServer(async (server) => {
    await call(server, "POST", "/api/v1/namespaces", namespace("other"));
    const cm = (name: string, ns: string, labels: Record<string, string>) => call(server, "POST", `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels } });
    await cm("a", "default", { app: "web", tier: "front" });
    await cm("b", "default", { app: "db", tier: "back" });
    await cm("c", "default", { app: "web" });
    await cm("d", "other", { app: "web", tier: "front" });
    const names = async (q: string, ns = "default") =>
      (await call(server, "GET", `/api/v1/${ns ? `namespaces/${ns}/` : ""}configmaps?${q}`)).body.items
        .filter((o: { metadata: { name: string } }) => o.metadata.name.length === 1)
        .map((o: { metadata: { namespace: string; name: string } }) => (ns ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`));
    const sel = (s: string) => `labelSelector=${encodeURIComponent(s)}`;
    assert.deepEqual(await names(sel("app=web")), ["a", "c"]);
    assert.deepEqual(await names(sel("app==web,tier=front")), ["a"]);
    assert.deepEqual(await names(sel("app!=web")), ["b"]);
    assert.deepEqual(await names(sel("tier in (front, back)")), ["a", "b"]);
    assert.deepEqual(await names(sel("tier notin (front)")), ["b", "c"]);
    assert.deepEqual(await names(sel("tier")), ["a", "b"]);
    assert.deepEqual(await names(sel("!tier")), ["c"]);
    assert.deepEqual(await names(sel("app=web"), ""), ["default/a", "default/c", "other/d"]);
    assert.deepEqual(await names(`fieldSelector=${encodeURIComponent("metadata.name=b")}`), ["b"]);
    assert.deepEqual(await names(`fieldSelector=${encodeURIComponent("metadata.namespace=other")}`, ""), ["other/d"]);
    assert.equal((await call(server, "GET", `/api/v1/configmaps?${sel("app in (web")}`)).code, 400);
    const page1 = (await call(server, "GET", "/api/v1/namespaces/default/configmaps?limit=2")).body;
    assert.equal(page1.kind, "ConfigMapList");
    assert.equal(page1.apiVersion, "v1");
    assert.ok(page1.metadata.resourceVersion);
    assert.equal(page1.items.length, 2);
    const page2 = (await call(server, "GET", `/api/v1/namespaces/default/configmaps?limit=2&continue=${page1.metadata.continue}`)).body;
    assert.deepEqual([...page1.items, ...page2.items].map((o: { metadata: { name: string } }) => o.metadata.name).filter((n: string) => n.length === 1), ["a", "b", "c"]);
  }));

test("kubectl-style Table responses for Accept: application/json;as=Table", () =>
  withServer(async (server) => {
    await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default"));
    await waitFor(server, "pod", () => server.list("v1", "Pod").length === 1);
    const t = await call(server, "GET", "/api/v1/namespaces/default/pods", undefined, "application/json", { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" });
    assert.equal(t.body.kind, "Table");
    assert.deepEqual(t.body.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Ready", "Status", "Restarts", "Age"]);
    assert.equal(t.body.rows.length, 1);
    assert.match(t.body.rows[0].cells[0], /^web-/);
    assert.equal(t.body.rows[0].object.kind, "PartialObjectMetadata");
    const one = await call(server, "GET", "/apis/apps/v1/namespaces/default/deployments/web", undefined, "application/json", { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    assert.deepEqual(one.body.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Ready", "Up-to-date", "Available", "Age"]);
  }));

test("watch: initial ADDED events, then live changes, ended by timeoutSeconds", () =>
  withServer(async (server) => {
    await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "first" } });
    const lines: { type: string; object: { metadata: { name: string } } }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&fieldSelector=metadata.name!%3Dkube-root-ca.crt`, (res) => {
        let buf = "";
        res.on("data", (c: Buffer) => {
          buf += c.toString();
          for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
        });
        res.on("end", () => resolve());
      });
      req.on("error", reject);
      req.end();
    });
    await waitFor(server, "initial event", () => lines.length === 1);
    await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "second" } });
    await call(server, "DELETE", "/api/v1/namespaces/default/configmaps/first");
    await waitFor(server, "3 events", () => lines.length === 3);
    assert.deepEqual(lines.map((l) => `${l.type} ${l.object.metadata.name}`), ["ADDED first", "ADDED second", "DELETED first"]);
    await done;
  }));

test("delete: Foreground waits for dependents, Orphan keeps them, deletecollection by selector", () =>
  withServer(async (server) => {
    await apply(server, "/apis/apps/v1/namespaces/default/deployments/fg", deployment("fg", "default", { replicas: 2 }));
    await apply(server, "/apis/apps/v1/namespaces/default/deployments/orphan", deployment("orphan", "default"));
    await waitFor(server, "pods", () => server.list("v1", "Pod").filter((p) => p.metadata.labels.app === "fg").length === 2 && server.list("v1", "Pod").some((p) => p.metadata.labels.app === "orphan"));
    const fg = await call(server, "DELETE", "/apis/apps/v1/namespaces/default/deployments/fg", { propagationPolicy: "Foreground" });
    assert.equal(fg.code, 200);
    assert.ok(fg.body.metadata.deletionTimestamp);
    assert.deepEqual(fg.body.metadata.finalizers, ["foregroundDeletion"]);
    await waitFor(server, "fg gone", () => server.get("apps/v1", "Deployment", "default", "fg") === undefined);
    assert.equal(server.list("v1", "Pod").filter((p) => p.metadata.labels.app === "fg").length, 0);

    const orphan = await call(server, "DELETE", "/apis/apps/v1/namespaces/default/deployments/orphan?propagationPolicy=Orphan");
    assert.equal(orphan.code, 200);
    await server.clock.sleep(40);
    const rs = server.list("apps/v1", "ReplicaSet").filter((x) => x.metadata.labels.app === "orphan");
    assert.equal(rs.length, 1);
    assert.equal(rs[0]!.metadata.ownerReferences, undefined);

    for (const n of ["x1", "x2", "y"]) await call(server, "POST", "/api/v1/namespaces/default/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: n, labels: { group: n[0]! } } });
    const coll = await call(server, "DELETE", "/api/v1/namespaces/default/secrets?labelSelector=group%3Dx");
    assert.deepEqual([coll.code, coll.body.kind, coll.body.items.length], [200, "SecretList", 2]);
    assert.deepEqual(server.list("v1", "Secret").map((s) => s.metadata.name), ["y"]);
    const protectedNs = await call(server, "DELETE", "/api/v1/namespaces/default");
    assert.deepEqual([protectedNs.code, protectedNs.body.reason], [403, "Forbidden"]);
  }));

test("dryRun=All does not store; /status and /scale subresources", () =>
  withServer(async (server) => {
    const dry = await call(server, "POST", "/api/v1/namespaces/default/configmaps?dryRun=All", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry" } });
    assert.equal(dry.code, 201);
    assert.equal(server.get("v1", "ConfigMap", "default", "dry"), undefined);
    await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default"));
    const scale = await call(server, "PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", { spec: { replicas: 3 } }, "application/merge-patch+json");
    assert.deepEqual([scale.code, scale.body.kind, scale.body.spec.replicas], [200, "Scale", 3]);
    await waitFor(server, "3 ready", () => server.get("apps/v1", "Deployment", "default", "web")?.status?.readyReplicas === 3);
    const got = await call(server, "GET", "/apis/apps/v1/namespaces/default/deployments/web/scale");
    assert.deepEqual([got.body.status.replicas, got.body.status.selector], [3, "app=web"]);
    const pvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "p" }, spec: { resources: { requests: { storage: "1Gi" } } } };
    await call(server, "POST", "/api/v1/namespaces/default/persistentvolumeclaims", pvc);
    const st = await call(server, "PUT", "/api/v1/namespaces/default/persistentvolumeclaims/p/status", { ...pvc, status: { phase: "Lost" } });
    assert.deepEqual([st.code, st.body.status.phase], [200, "Lost"]);
  }));

test("Secrets: stringData is stored as base64 data; immutable ConfigMaps and Secrets keep their data; PVC spec is immutable", () =>
  withServer(async (server) => {
    const s = await apply(server, "/api/v1/namespaces/default/secrets/db", { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password: "hunter2" } });
    assert.equal(s.code, 201);
    assert.deepEqual([s.body.type, s.body.data, s.body.stringData], ["Opaque", { password: Buffer.from("hunter2").toString("base64") }, undefined]);
    const again = await apply(server, "/api/v1/namespaces/default/secrets/db", { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password: "hunter2" } });
    assert.equal(again.body.metadata.resourceVersion, s.body.metadata.resourceVersion);
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "frozen" }, immutable: true, data: { a: "1" } };
    await apply(server, "/api/v1/namespaces/default/configmaps/frozen", cm);
    const changed = await apply(server, "/api/v1/namespaces/default/configmaps/frozen", { ...cm, data: { a: "2" } });
    assert.deepEqual([changed.code, changed.body.message], [422, 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set']);
    const pvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
    await apply(server, "/api/v1/namespaces/default/persistentvolumeclaims/data", pvc);
    await waitFor(server, "bound", () => server.get("v1", "PersistentVolumeClaim", "default", "data")?.status?.phase === "Bound");
    assert.equal((await apply(server, "/api/v1/namespaces/default/persistentvolumeclaims/data", pvc)).code, 200, "re-applying a bound claim is fine");
    const grown = await apply(server, "/api/v1/namespaces/default/persistentvolumeclaims/data", { ...pvc, spec: { ...pvc.spec, resources: { requests: { storage: "2Gi" } } } });
    assert.equal(grown.code, 200);
    const other = await apply(server, "/api/v1/namespaces/default/persistentvolumeclaims/data", { ...pvc, spec: { ...pvc.spec, storageClassName: "fast" } });
    assert.equal(other.code, 422);
  }));

test("watch-list: sendInitialEvents=true sends the current objects, then a BOOKMARK marking the end of initial events", () =>
  withServer(async (server) => {
    await call(server, "POST", "/api/v1/namespaces/default/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "s1" } });
    const events = await new Promise<{ type: string; object: { metadata: { name?: string; annotations?: Record<string, string> } } }[]>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/namespaces/default/secrets?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`, (res) => {
        let buf = "";
        res.on("data", (c: Buffer) => (buf += c.toString()));
        res.on("end", () => resolve(buf.trim().split("\n").map((l) => JSON.parse(l))));
      });
      req.on("error", reject);
      req.end();
    });
    assert.deepEqual(events.slice(0, 2).map((e) => e.type), ["ADDED", "BOOKMARK"]);
    assert.ok(events.slice(2).every((e) => e.type === "BOOKMARK"), "then only bookmarks: no other Secret changed");
    assert.equal(events[0]!.object.metadata.name, "s1");
    assert.equal(events[1]!.object.metadata.annotations?.["k8s.io/initial-events-end"], "true");
  }));

/** Lines of a watch stream, until `enough` says so (then the stream is closed by the client). */
function watchLines(server: KubeApiServer, path: string, enough: (lines: WatchLine[]) => boolean): Promise<WatchLine[]> {
  return new Promise((resolve, reject) => {
    const lines: WatchLine[] = [];
    const req = request(`${server.url}${path}`, (res) => {
      let buf = "";
      res.on("data", (c: Buffer) => {
        buf += c.toString();
        for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
          lines.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        if (enough(lines)) {
          req.destroy();
          resolve(lines);
        }
      });
      res.on("end", () => resolve(lines));
    });
    req.on("error", (e) => (lines.length && enough(lines) ? resolve(lines) : reject(e)));
    req.end();
  });
}
type WatchLine = { type: string; object: { code?: number; reason?: string; metadata: { name?: string; resourceVersion?: string } } };

test("watch: resumed from a resourceVersion it replays only later changes; bookmarks carry the version past changes it does not show", () =>
  withServer(async (server) => {
    const first = await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } });
    await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } });
    const resumed = await watchLines(server, `/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name!%3Dkube-root-ca.crt&resourceVersion=${first.body.metadata.resourceVersion}`, (l) => l.length >= 1);
    assert.deepEqual(resumed.map((l) => `${l.type} ${l.object.metadata.name}`), ["ADDED b"]);

    const list = await call(server, "GET", "/api/v1/namespaces/default/configmaps");
    const stream = watchLines(server, `/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name!%3Dkube-root-ca.crt&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}`, (l) => l.some((x) => x.type === "BOOKMARK"));
    await waitFor(server, "watch open", () => server.requests.some((r) => r.query.includes("allowWatchBookmarks")));
    const secret = await call(server, "POST", "/api/v1/namespaces/default/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "elsewhere" } });
    const lines = await stream;
    assert.equal(lines.at(-1)!.type, "BOOKMARK");
    assert.ok(Number(lines.at(-1)!.object.metadata.resourceVersion) >= Number(secret.body.metadata.resourceVersion), "the bookmark is at least the version of the change it skipped");
    assert.ok(lines.every((l) => l.type === "BOOKMARK"), `no ConfigMap changed: ${JSON.stringify(lines)}`);
  }));

test("watch: a resourceVersion older than the kept history is 410 Gone (Expired): the client must list again", () =>
  withServer(
    async (server) => {
      const old = await call(server, "GET", "/api/v1/namespaces/default/configmaps");
      for (let i = 0; i < 30; i++) await call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${i}` } });
      const lines = await watchLines(server, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${old.body.metadata.resourceVersion}`, (l) => l.length >= 1);
      assert.deepEqual(lines.map((l) => [l.type, l.object.code, l.object.reason]), [["ERROR", 410, "Expired"]]);
      const fresh = await call(server, "GET", "/api/v1/namespaces/default/configmaps");
      const later = await watchLines(server, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${fresh.body.metadata.resourceVersion}&timeoutSeconds=1`, () => false);
      assert.ok(later.every((l) => l.type !== "ERROR"), "a current version is accepted");
    },
    { watchHistory: 10 },
  ));
