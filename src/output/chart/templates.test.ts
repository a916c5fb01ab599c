import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { desired } from "../../resources/kube-object.ts";
import { objectTemplate } from "./templates.ts";

const deployment = () =>
  desired(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "apps", labels: { app: "web" } },
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              { name: "web", image: "ghcr.io/acme/web:1.0.0", resources: { requests: { cpu: "100m" }, limits: { memory: "256Mi" } } },
              { name: "sidecar", image: "ghcr.io/acme/sidecar:2.0.0" },
            ],
          },
        },
      },
    },
    ["spec", "apps", "web"],
    {
      group: ["apps", "web"],
      tunables: [
        { field: ["spec", "replicas"], values: ["apps", "web", "replicas"] },
        { field: ["spec", "template", "spec", "containers", 0, "image"], values: ["apps", "web", "image"] },
        { field: ["spec", "template", "spec", "containers", 0, "resources"], values: ["apps", "web", "resources"] },
      ],
    },
  );

describe("chart templates", () => {
  it("reads each tunable from .Values and leaves the object itself untouched", () => {
    const r = deployment();
    const before = structuredClone(r.object);
    const text = objectTemplate(r);
    assert.deepEqual(r.object, before);
    assert.match(text, /replicas: \{\{ index \.Values "apps" "web" "replicas" \| toJson \}\}/);
    assert.match(text, /- name: web\n\s+image: \{\{ index \.Values "apps" "web" "image" \| toJson \}\}/);
    assert.match(text, /resources: \{\{ index \.Values "apps" "web" "resources" \| toJson \}\}/);
    // Fields beside the templated ones are written as they are.
    assert.match(text, /image: ghcr\.io\/acme\/sidecar:2\.0\.0/);
    assert.match(text, /labels:\n\s+app: web/);
  });

  it("escapes Go template braces that are part of the object", () => {
    const r = desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "n" }, data: { t: "{{ x }}" } }, []);
    assert.ok(objectTemplate(r).includes('t: "{{ "{{" }} x {{ "}}" }}"'), objectTemplate(r));
  });
});
