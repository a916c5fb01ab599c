/**
 * spec.state: where the lock, history and journal are kept. Overridable per environment and with --set like the
 * rest of the spec; names checked as Azure checks them; every mistake a diagnostic with its place and a hint.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { planFor } from "../index.ts";
import { buildText, codes } from "../../test/support/spec.ts";
import { tempDir } from "../../test/support/cli.ts";

/** An Azure-only platform (a resource group) with `state` indented under spec.state and `dev` under its overlay. */
const spec = (state: string, dev = "{}", azure = ""): string => `apiVersion: berth.dev/v1alpha1
kind: Platform
metadata:
  name: shared
spec:
  azure:
    subscriptionId: 00000000-0000-0000-0000-000000000000
    tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
    location: westeurope
    resourceGroups: { main: {} }
${azure.replace(/^/gm, "    ")}
  state:
${state.replace(/^/gm, "    ")}
  environments:
    dev: ${dev}
`;

const written = (text: string): string => {
  const file = join(tempDir(), "berth.yaml");
  writeFileSync(file, text);
  return file;
};

describe("spec.state", () => {
  it("reaches the plan; an environment and --set override it like any field", () => {
    const file = written(spec("backend: azureBlob\nazureBlob: { storageAccount: berthstate, prefix: teams/data }", "{ state: { azureBlob: { container: dev-state } } }"));
    const dev = planFor({ path: file, env: "dev" });
    assert.deepEqual(dev.plan?.state, { backend: "azureBlob", azureBlob: { storageAccount: "berthstate", container: "dev-state", prefix: "teams/data" } });
    const set = planFor({ path: file, env: "dev", set: ["state.backend=local"] });
    assert.deepEqual(set.plan?.state, { backend: "local" }, "the blob settings only travel with the azureBlob backend");
    const endpoint = planFor({ path: file, env: "dev", set: ["state.azureBlob.storageAccount=null", "state.azureBlob.endpoint=http://127.0.0.1:10000/devstoreaccount1"] });
    assert.deepEqual(endpoint.plan?.state?.azureBlob, { endpoint: "http://127.0.0.1:10000/devstoreaccount1", container: "dev-state", prefix: "teams/data" });
    assert.equal(planFor({ path: written(spec("{}")), env: "dev" }).plan?.state, undefined, "absent backend: chosen as before");
  });

  const cases: { name: string; state: string; azure?: string; code: string; path: string; message: RegExp; hint?: RegExp }[] = [
    { name: "account name with capitals", state: "backend: azureBlob\nazureBlob: { storageAccount: BerthState }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.storageAccount", message: /"BerthState" is not a storage account name: 3–24 lower-case letters and digits/, hint: /try "berthstate"/ },
    { name: "account name too long", state: "backend: azureBlob\nazureBlob: { storageAccount: abcdefghijklmnopqrstuvwxyz }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.storageAccount", message: /not a storage account name/ },
    { name: "container with an underscore", state: "backend: azureBlob\nazureBlob: { storageAccount: berthstate, container: berth_state }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.container", message: /"berth_state" is not a blob container name: 3–63 lower-case letters, digits and single hyphens/ },
    { name: "container with a double hyphen", state: "backend: azureBlob\nazureBlob: { storageAccount: berthstate, container: berth--state }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.container", message: /not a blob container name/ },
    { name: "container too short", state: "backend: azureBlob\nazureBlob: { storageAccount: berthstate, container: ab }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.container", message: /not a blob container name/ },
    { name: "a SAS token in the endpoint", state: "backend: azureBlob\nazureBlob: { endpoint: 'https://x.blob.core.windows.net?sv=2024&sig=abc' }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.endpoint", message: /must not carry a query.*credential in the repository/, hint: /AZURE_STORAGE_CONNECTION_STRING/ },
    { name: "plain http to another machine", state: "backend: azureBlob\nazureBlob: { endpoint: 'http://state.example.com' }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.endpoint", message: /must be an https:\/\/ URL \(http:\/\/ only on this machine, for Azurite\)/ },
    { name: "a prefix with ..", state: "backend: azureBlob\nazureBlob: { storageAccount: berthstate, prefix: a/../b }", code: "SPEC-FORMAT", path: "spec.state.azureBlob.prefix", message: /not a blob folder/ },
    { name: "an unknown backend", state: "backend: s3", code: "SPEC-ENUM", path: "spec.state.backend", message: /cluster.*local.*azureBlob/ },
    { name: "azureBlob without its settings", state: "backend: azureBlob", code: "SPEC-STATE", path: "spec.state.azureBlob", message: /state\.backend is azureBlob and state\.azureBlob is missing/, hint: /storageAccount/ },
    { name: "neither account nor endpoint", state: "backend: azureBlob\nazureBlob: { container: berth-state }", code: "SPEC-STATE", path: "spec.state.azureBlob", message: /names no storage account: give storageAccount or endpoint/ },
    { name: "both account and endpoint", state: "backend: azureBlob\nazureBlob: { storageAccount: berthstate, endpoint: 'https://berthstate.blob.core.windows.net' }", code: "SPEC-STATE", path: "spec.state.azureBlob.endpoint", message: /both storageAccount and endpoint/ },
    { name: "an account in a custom cloud", state: "backend: azureBlob\nazureBlob: { storageAccount: berthstate }", azure: "cloud: { resourceManager: 'https://arm.local/', authorityHost: 'https://login.local/' }", code: "SPEC-STATE", path: "spec.state.azureBlob.storageAccount", message: /custom cloud, whose Blob endpoint berth cannot derive/, hint: /endpoint/ },
    { name: "cluster without a cluster", state: "backend: cluster", code: "SPEC-STATE", path: "spec.state.backend", message: /declares no spec\.kubernetes: there is no cluster to keep the lock and history in/, hint: /azureBlob/ },
  ];
  for (const c of cases)
    it(`refuses ${c.name}, at its place, with what was expected`, () => {
      const r = buildText(spec(c.state, "{}", c.azure ?? ""));
      assert.deepEqual(codes(r), [c.code], JSON.stringify(r.diagnostics, null, 2));
      const d = r.diagnostics.find((x) => x.code === c.code)!;
      assert.equal(d.path, c.path);
      assert.match(d.message, c.message);
      if (c.hint) assert.match(d.hint ?? "", c.hint);
      assert.ok(d.location && d.location.line > 9, `located in the file: ${JSON.stringify(d.location)}`);
    });

  it("a bad value given with --set is located at the --set", () => {
    const r = buildText(spec("backend: azureBlob\nazureBlob: { storageAccount: berthstate }"), { env: "dev", set: ["state.azureBlob.container=Bad_Name"] });
    const d = r.diagnostics.find((x) => x.code === "SPEC-FORMAT");
    assert.equal(d?.location?.file, "--set[1]");
  });

  it("cluster state for a cluster berth creates in the same run is refused: the lock must exist first", () => {
    const text = `apiVersion: berth.dev/v1alpha1
kind: Platform
metadata: { name: shop }
spec:
  kubernetes: { version: "1.31" }
  azure:
    subscriptionId: 00000000-0000-0000-0000-000000000000
    tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
    location: westeurope
    resourceGroups: { main: {} }
    aks:
      main: { kubernetesVersion: "1.31", nodePools: [{ name: system, vmSize: Standard_D4s_v5, count: 1, mode: System }] }
  state: { backend: cluster }
`;
    const r = buildText(text);
    assert.ok(codes(r).includes("SPEC-STATE"), JSON.stringify(r.diagnostics, null, 2));
    assert.match(r.diagnostics.find((d) => d.code === "SPEC-STATE")!.message, /the cluster \(azure\.aks\.main\) is created by berth: the lock must exist before the cluster does/);
  });
});
