/**
 * spec.state across fields: an azureBlob backend names one place (a storage account or an endpoint) that berth can
 * reach, and a `cluster` backend has a cluster that exists before the run to keep the lock in.
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { problem, type SpecRule } from "./rule.ts";

export const stateRules: SpecRule = (spec) => {
  const p = spec.platform.spec;
  const state = p.state;
  if (!state) return [];
  const out: Diagnostic[] = [];
  const blob = state.azureBlob;
  if (state.backend === "azureBlob" && !blob)
    out.push(problem(spec, ["spec", "state", "azureBlob"], "SPEC-STATE", "state.backend is azureBlob and state.azureBlob is missing: berth needs the storage account and container", "add state.azureBlob: { storageAccount: <name>, container: berth-state }"));
  if (blob) {
    const at = ["spec", "state", "azureBlob"] as const;
    if (blob.storageAccount === undefined && blob.endpoint === undefined)
      out.push(problem(spec, [...at], "SPEC-STATE", "state.azureBlob names no storage account: give storageAccount or endpoint", "storageAccount: <name> (az storage account list --query [].name)"));
    else if (blob.storageAccount !== undefined && blob.endpoint !== undefined)
      out.push(problem(spec, [...at, "endpoint"], "SPEC-STATE", "state.azureBlob gives both storageAccount and endpoint: the endpoint already names the account", "keep one of them"));
    else if (blob.storageAccount !== undefined && typeof p.azure?.cloud === "object")
      out.push(problem(spec, [...at, "storageAccount"], "SPEC-STATE", "spec.azure.cloud is a custom cloud, whose Blob endpoint berth cannot derive from an account name", "give state.azureBlob.endpoint (https://<account>.blob.<your cloud's storage suffix>) instead"));
  }
  if (state.backend === "cluster") {
    if (!p.kubernetes)
      out.push(problem(spec, ["spec", "state", "backend"], "SPEC-STATE", "state.backend is cluster, and the spec declares no spec.kubernetes: there is no cluster to keep the lock and history in", "use backend: azureBlob (shared) or local (this machine only), or leave backend out"));
    else {
      const made = Object.entries(p.azure?.aks ?? {}).filter(([, c]) => !c.existing);
      if (made.length === 1 && Object.keys(p.azure!.aks).length === 1)
        out.push(problem(spec, ["spec", "state", "backend"], "SPEC-STATE", `state.backend is cluster, and the cluster (azure.aks.${made[0]![0]}) is created by berth: the lock must exist before the cluster does`, "use backend: azureBlob, or leave backend out (local files until the cluster exists)"));
    }
  }
  return out;
};
