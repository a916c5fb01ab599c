/**
 * User jobs (`spec.jobs`): a dedicated ServiceAccount, PVCs on the declared storage class, a NetworkPolicy of the
 * job's connections, and the Job itself. Order is data: each Job `needs` the Jobs it runs after. In the chart the
 * same order becomes Helm hook weights, and helm waits for each Job before starting the next.
 */
import { createHash } from "node:crypto";
import { desired, type KubeDesired, resourceKey } from "../../resources/kube-object.ts";
import { ANNOTATION, LABEL } from "../../resources/labels.ts";
import { egressTo, ENTRA_ID, externalEgress, networkPolicy } from "../../resources/network-policy.ts";
import { securePodSpec, writableVolumes } from "../../resources/pod.ts";
import type { Platform } from "../../spec/schema.ts";
import { resolveNamespace } from "../components/index.ts";
import { connectionsFor } from "../components/index.ts";
import { renderEnv } from "../env.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";
import { workloadIdentity } from "../azure/workload-identity.ts";
import { imageOf } from "../image.ts";
import { referenceEgress } from "../azure/egress-hosts.ts";


/** Depth in the `after` graph: jobs with nothing before them are 0. Cycles are refused by the spec rules. */
export function jobDepths(jobs: Platform["spec"]["jobs"]): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (name: string, seen: Set<string>): number => {
    if (depth.has(name)) return depth.get(name)!;
    if (seen.has(name)) return 0;
    seen.add(name);
    const d = Math.max(-1, ...(jobs[name]?.after ?? []).filter((a) => a in jobs).map((a) => visit(a, seen))) + 1;
    depth.set(name, d);
    return d;
  };
  for (const name of Object.keys(jobs)) visit(name, new Set());
  return depth;
}

export function synthJobs(platform: Platform): KubeDesired[] {
  const jobs = platform.spec.jobs;
  const depths = jobDepths(jobs);
  const jobKeys = new Map<string, string>();
  const out: KubeDesired[] = [];
  // Jobs in dependency order, so each one's `needs` can name the keys of those before it.
  for (const [name, job] of Object.entries(jobs).sort(([a], [b]) => depths.get(a)! - depths.get(b)! || a.localeCompare(b))) {
    const origin = ["spec", "jobs", name];
    const namespace = resolveNamespace(platform, job.namespace);
    const connections = connectionsFor(platform, name, job.connects);
    const labels = { ...platform.metadata.labels, [LABEL.name]: name, [LABEL.partOf]: platform.metadata.name, [LABEL.managedBy]: "berth", [LABEL.component]: "job" };
    const selector = { [LABEL.name]: name, [LABEL.partOf]: platform.metadata.name };
    const azure = workloadIdentity(platform, job.identity);
    const writable = writableVolumes(job.security.writablePaths);
    const claims = Object.entries(job.volumes);
    const pod = securePodSpec({
      serviceAccountName: name,
      automountServiceAccountToken: false,
      identity: job.security,
      containers: [
        {
          name,
          image: imageOf(platform.spec.azure, job.image),
          command: job.command,
          ...(job.args ? { args: job.args } : {}),
          ...(Object.keys(job.env).length ? { env: renderEnv(job.env, { connections, azure: platform.spec.azure }) } : {}),
          resources: { requests: { cpu: job.resources.requests.cpu, memory: job.resources.requests.memory }, limits: { cpu: job.resources.limits.cpu, memory: job.resources.limits.memory } },
          volumeMounts: [...writable.mounts, ...claims.map(([v, spec]) => ({ name: v, mountPath: spec.mountPath, ...(spec.readOnly ? { readOnly: true } : {}) }))],
        },
      ],
      volumes: [...writable.volumes, ...claims.map(([v]) => ({ name: v, persistentVolumeClaim: { claimName: `${name}-${v}` } }))],
    });
    const spec = {
      backoffLimit: job.backoffLimit,
      activeDeadlineSeconds: job.activeDeadlineSeconds,
      ttlSecondsAfterFinished: 86400,
      template: { metadata: { labels: { ...labels, ...(azure ? { [LABEL.workloadIdentity]: "true" } : {}) } }, spec: { ...pod, restartPolicy: "Never" } },
    };
    const hash = createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 8);
    const jobObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: `${name}-${hash}`,
        namespace,
        labels,
        annotations: {
          "helm.sh/hook": "post-install,post-upgrade",
          "helm.sh/hook-weight": String(depths.get(name)),
          "helm.sh/hook-delete-policy": "before-hook-creation",
          ...(job.after.length ? { "berth.dev/after": job.after.join(",") } : {}),
        },
      },
      spec,
    };
    const needs = job.after.map((a) => jobKeys.get(a)).filter((k): k is string => k !== undefined);
    jobKeys.set(name, resourceKey(jobObject));
    const outside = externalEgress([...job.egress, ...(azure ? [ENTRA_ID] : []), ...referenceEgress(platform.spec.azure, job.env, job.egress)]);
    out.push(
      desired(
        {
          apiVersion: "v1",
          kind: "ServiceAccount",
          metadata: { name, namespace, labels, ...(azure ? { annotations: { [ANNOTATION.clientId]: azure.clientId, ...(azure.tenantId ? { [ANNOTATION.tenantId]: azure.tenantId } : {}) } } : {}) },
          automountServiceAccountToken: false,
        },
        job.identity ? [...origin, "identity"] : origin,
      ),
      ...claims.map(([v, vol]) =>
        desired(
          {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: `${name}-${v}`, namespace, labels },
            spec: { accessModes: [vol.accessMode], storageClassName: vol.storageClass ?? kubernetesOf(platform).defaultStorageClass, resources: { requests: { storage: vol.size } } },
          },
          [...origin, "volumes", v],
        ),
      ),
      desired(jobObject, origin, { needs }),
      desired(
        networkPolicy({
          name,
          namespace,
          labels,
          ...(outside.annotations ? { annotations: outside.annotations } : {}),
          podSelector: selector,
          openshift: kubernetesOf(platform).openshift,
          ingress: [],
          egress: [...connections.map(egressTo), ...outside.rules],
        }),
        origin,
      ),
    );
  }
  return out.map((r) => ({ ...r, group: ["jobs", r.origin[2] as string] }));
}
