/**
 * Lint of third-party YAML without false errors: `helm template` renders of two widely used charts (fixtures under
 * test/fixtures/lint/charts/, chart and version at the top of each) carry built-in kinds berth validates, RBAC names
 * with ':' that the API server accepts, and cluster-scoped objects that have no namespace.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runLint } from "../cli/commands/lint.ts";
import { SCHEMAS } from "../checks/schema-registry.ts";
import { readInputs, readObjects } from "./sources.ts";

interface Finding {
  code: string;
  object?: string;
  message: string;
}

const RENDERS = ["test/fixtures/lint/charts/ingress-nginx.yaml", "test/fixtures/lint/charts/cert-manager.yaml"];

/**
 * The cluster-scoped kinds each render holds, written out from the Kubernetes API reference rather than read from
 * berth's own scope table: their objects carry no namespace, and no namespace rule may flag them.
 */
const CLUSTER_SCOPED: Readonly<Record<string, readonly string[]>> = {
  [RENDERS[0]!]: ["ClusterRole", "ClusterRoleBinding", "IngressClass", "ValidatingWebhookConfiguration"],
  [RENDERS[1]!]: ["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
};

const lintFile = (file: string): Finding[] => {
  let out = "";
  runLint([file], { format: "json" }, { out: (t) => void (out += t), err: () => undefined });
  return JSON.parse(out).findings as Finding[];
};

describe("lint of third-party chart renders", () => {
  for (const file of RENDERS)
    describe(file, () => {
      const findings = lintFile(file);
      const { objects } = readObjects(readInputs([file], () => "").inputs);

      it("holds the kinds the issue names, all with a schema", () => {
        const gvks = new Set(objects.map((o) => `${o.resource.object.apiVersion}/${o.resource.object.kind}`));
        assert.ok(gvks.size > 5);
        for (const gvk of gvks) assert.ok(SCHEMAS[gvk], `no schema for ${gvk}`);
      });

      it("reports no unknown kind, no schema or API error", () => {
        assert.deepEqual(findings.filter((f) => /^K8S-/.test(f.code)), []);
      });

      it("reports no invalid name, though RBAC names hold ':'", () => {
        assert.deepEqual(findings.filter((f) => f.code === "NAME-INVALID"), []);
      });

      it("holds cluster-scoped objects without a namespace, and reports no namespace finding at all", () => {
        const withoutNamespace = [...new Set(objects.filter((o) => o.resource.object.metadata.namespace === undefined).map((o) => o.resource.object.kind))].sort();
        assert.deepEqual(withoutNamespace, [...CLUSTER_SCOPED[file]!].sort(), "the render's objects without a namespace are exactly its cluster-scoped ones");
        assert.deepEqual(findings.filter((f) => f.code.startsWith("NAMESPACE-")), []);
      });

      it("judges every pod at Pod Security restricted:v1.31 without a finding (both charts run restricted-ready pods)", () => {
        assert.deepEqual(findings.filter((f) => f.code.startsWith("PSS-")), []);
      });
    });

  it("cert-manager's render has RBAC names with ':' and cluster-scoped webhooks, so the checks above are not vacuous", () => {
    const { objects } = readObjects(readInputs([RENDERS[1]!], () => "").inputs);
    assert.ok(objects.some((o) => o.resource.object.kind === "ClusterRole" && o.resource.object.metadata.name.includes(":")));
    assert.ok(objects.some((o) => o.resource.object.kind === "ValidatingWebhookConfiguration" && o.resource.object.metadata.namespace === undefined));
    assert.ok(objects.some((o) => o.resource.object.kind === "CustomResourceDefinition"));
  });
});
