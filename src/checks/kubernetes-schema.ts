import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { API_AVAILABILITY, REMOVED_APIS, SCHEMAS, SUPPORTED_VERSIONS } from "./schema-registry.ts";
import { type CheckInput, type ObjectCheck, fieldFromPointer, objectProblem } from "./check.ts";

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Every object validates against the schema of its kind, and its API is served by the target Kubernetes version. */
export const kubernetesSchema: ObjectCheck = (input: CheckInput) => {
  const out: Diagnostic[] = [];
  const version = input.facts.kubernetesVersion;
  const minor = Number(version.split(".")[1]);
  if (minor < SUPPORTED_VERSIONS.min || minor > SUPPORTED_VERSIONS.max) {
    out.push({
      severity: "error",
      code: "K8S-VERSION",
      path: "spec.kubernetes.version",
      location: input.facts.versionLocation?.(),
      message: `Kubernetes ${version} is outside the versions berth renders for (1.${SUPPORTED_VERSIONS.min}–1.${SUPPORTED_VERSIONS.max})`,
      hint: "choose a supported version; AKS supports the three most recent minors",
    });
  }
  for (const r of input.resources) {
    const gvk = `${r.object.apiVersion}/${r.object.kind}`;
    const Model = SCHEMAS[gvk];
    const removed = REMOVED_APIS[gvk];
    if (removed) {
      out.push(objectProblem(input, r, "K8S-API-VERSION", ".apiVersion", `${gvk} was removed in Kubernetes 1.${removed.removedIn}`, `use ${removed.use}`));
      continue;
    }
    if (!Model) {
      // berth validates every object it writes; YAML from elsewhere may hold kinds it has no schema for.
      if (input.facts.unknownKinds === "warn") out.push(objectProblem(input, r, "K8S-UNKNOWN-KIND", ".", `${gvk} is not validated: berth has no schema for it`, undefined, "warning"));
      else out.push(objectProblem(input, r, "K8S-SCHEMA", ".", `no schema known for ${gvk}; berth validates every object it writes`));
      continue;
    }
    const served = API_AVAILABILITY[gvk];
    if (served && (minor < served.since || (served.removedIn !== undefined && minor >= served.removedIn)))
      out.push(objectProblem(input, r, "K8S-API-VERSION", ".apiVersion", `${gvk} is not served by Kubernetes ${version}`));
    try {
      new Model(r.object as never).validate();
    } catch (err) {
      const errors = (err as { errors?: AjvError[] }).errors ?? [{ instancePath: "", message: (err as Error).message }];
      for (const e of errors) {
        const extra = e.params && "allowedValues" in e.params ? `: ${(e.params.allowedValues as unknown[]).join(", ")}` : "";
        out.push(objectProblem(input, r, "K8S-SCHEMA", fieldFromPointer(e.instancePath), `${e.message ?? "is invalid"}${extra}`));
      }
    }
  }
  return out;
};
