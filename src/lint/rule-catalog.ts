/**
 * What each rule ID means: title, why it matters, how to fix it. Used for SARIF's rule list and `berth lint --rules`.
 * Pod Security controls are listed from the control table itself, so the two can never disagree.
 */
import { POD_SECURITY_CONTROLS } from "../checks/pod-security/restricted.ts";
import { groupOf, type RuleGroup } from "./run.ts";

export interface RuleInfo {
  readonly id: string;
  readonly group: RuleGroup;
  readonly title: string;
  readonly rationale: string;
  readonly fix: string;
}

export const pssRuleId = (control: string) => `PSS-${control.toUpperCase().replace(/_/g, "-")}`;

const PSS_FIX: Record<string, string> = {
  hostNamespaces: "remove hostNetwork, hostPID and hostIPC",
  privileged: "set securityContext.privileged: false or leave it unset",
  capabilities_baseline: "add only capabilities of the baseline set",
  hostPathVolumes: "use a PersistentVolumeClaim, configMap, secret or emptyDir instead of hostPath",
  hostPorts: "remove hostPort; expose the port through a Service",
  appArmorProfile: "use RuntimeDefault or Localhost",
  seLinuxOptions: "leave seLinuxOptions unset or use a container_t type",
  procMount: "leave procMount unset (Default)",
  seccompProfile_baseline: "use seccompProfile.type RuntimeDefault",
  sysctls: "set only the safe sysctls",
  windowsHostProcess: "remove windowsOptions.hostProcess",
  hostProbesAndHostLifecycle: "remove host from probes and lifecycle handlers",
  restrictedVolumes: "use only configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral, image or PVC volumes",
  allowPrivilegeEscalation: "set securityContext.allowPrivilegeEscalation: false on every container",
  runAsNonRoot: "set securityContext.runAsNonRoot: true on the pod (or every container)",
  runAsUser: "run as a non-zero UID",
  seccompProfile_restricted: "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
  capabilities_restricted: 'set capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE',
};

const OTHER: readonly Omit<RuleInfo, "group">[] = [
  { id: "PSS-NAMESPACE-LABEL", title: "Namespace enforces Pod Security restricted", rationale: "Without the enforce label the API server admits pods that break the profile.", fix: "label the namespace pod-security.kubernetes.io/enforce: restricted" },
  { id: "K8S-SCHEMA", title: "Object matches the Kubernetes schema", rationale: "The API server rejects objects that do not validate.", fix: "correct the field to the type and values the schema allows" },
  { id: "K8S-API-VERSION", title: "API version is served by the target Kubernetes version", rationale: "Removed or not-yet-served APIs fail on apply.", fix: "use the API version the target version serves" },
  { id: "K8S-VERSION", title: "Kubernetes version is supported", rationale: "berth validates against schemas of a range of versions.", fix: "choose a version in the supported range" },
  { id: "NAME-INVALID", title: "Object name is valid for its kind", rationale: "Names become DNS labels and are checked by the API server.", fix: "use lower-case letters, digits and '-', within the length limit" },
  { id: "NAME-COLLISION", title: "No two objects share kind, namespace and name", rationale: "The second would overwrite the first.", fix: "rename one of them" },
  { id: "NAME-LABEL-VALUE", title: "Label values are valid", rationale: "The API server rejects invalid label values.", fix: "at most 63 letters, digits, '-', '_' and '.'" },
  { id: "POD-DUPLICATE", title: "No duplicate names inside a pod", rationale: "Duplicate volume, container, port or env names are rejected or shadow each other.", fix: "give each a unique name" },
  { id: "POD-UNKNOWN-VOLUME", title: "Every mount has a volume", rationale: "A mount of a missing volume is rejected.", fix: "declare the volume or remove the mount" },
  { id: "RESOURCES-MISSING", title: "CPU and memory requests and limits are set", rationale: "Without them the scheduler cannot place pods well and one pod can starve a node (kube-score container-resources, CKV_K8S_10–13).", fix: "set resources.requests and resources.limits for cpu and memory" },
  { id: "PROBE-MISSING", title: "Liveness and readiness probes are set", rationale: "Without probes traffic reaches pods that are not ready and hung pods are never restarted (CKV_K8S_8/9).", fix: "add livenessProbe and readinessProbe" },
  { id: "DEFAULT-SERVICE-ACCOUNT", title: "Pods use a dedicated ServiceAccount", rationale: "The default ServiceAccount is shared by everything in the namespace (CKV_K8S_41).", fix: "create a ServiceAccount per workload and set serviceAccountName" },
  { id: "AUTOMOUNT-TOKEN", title: "No API token unless the pod needs the API", rationale: "A mounted token is a credential an attacker can use (CKV_K8S_38).", fix: "set automountServiceAccountToken: false" },
  { id: "STORAGE-CLASS", title: "Claims use a storage class the cluster has", rationale: "A claim on a missing class stays Pending.", fix: "use a declared storage class" },
  { id: "STORAGE-ACCESS-MODE", title: "Claims ask for an access mode the class supports", rationale: "An unsupported access mode never binds.", fix: "use a class that supports the mode, or change the mode" },
  { id: "REF-SERVICEACCOUNT", title: "ServiceAccount exists", rationale: "Pods of a missing ServiceAccount are never created.", fix: "create the ServiceAccount or correct the name" },
  { id: "REF-SECRET", title: "Secret exists", rationale: "Pods reading a missing Secret do not start.", fix: "create the Secret or correct the name" },
  { id: "REF-SECRET-KEY", title: "Secret has the key", rationale: "A missing key stops the container from starting.", fix: "use a key the Secret has" },
  { id: "REF-CONFIGMAP", title: "ConfigMap exists", rationale: "Pods reading a missing ConfigMap do not start.", fix: "create the ConfigMap or correct the name" },
  { id: "REF-CONFIGMAP-KEY", title: "ConfigMap has the key", rationale: "A missing key stops the container from starting.", fix: "use a key the ConfigMap has" },
  { id: "REF-PERSISTENTVOLUMECLAIM", title: "PersistentVolumeClaim exists", rationale: "Pods mounting a missing claim stay Pending.", fix: "create the claim or correct the name" },
  { id: "REF-SERVICE", title: "Ingress backend Service exists", rationale: "Requests to a missing backend fail with 503.", fix: "create the Service or correct the name" },
  { id: "REF-SERVICE-PORT", title: "Service has the port", rationale: "Traffic to a missing port is dropped; a ServiceMonitor scrapes nothing.", fix: "use a port name or number the Service exposes" },
  { id: "REF-SELECTOR", title: "Selector matches something", rationale: "A Service, PDB, NetworkPolicy or ServiceMonitor that selects nothing does nothing.", fix: "match the labels of the intended pods or Services" },
  { id: "REF-DEPLOYMENT", title: "Autoscaler target exists", rationale: "An HPA on a missing target does nothing.", fix: "point scaleTargetRef at an existing workload" },
  { id: "REF-STATEFULSET", title: "Autoscaler target exists", rationale: "An HPA on a missing target does nothing.", fix: "point scaleTargetRef at an existing workload" },
  { id: "REF-ROLE", title: "RoleBinding's Role exists", rationale: "A binding to a missing Role grants nothing.", fix: "create the Role or correct roleRef" },
  { id: "IMAGE-TAG", title: "Images name a version", rationale: "A missing or latest tag changes under you (kube-score container-image-tag, CKV_K8S_14).", fix: "pin a version tag or a digest" },
  { id: "PROBE-PORT", title: "Probes use a port the container has", rationale: "A probe on a missing named port always fails (kube-linter liveness-port).", fix: "name the port in the container's ports, or probe an existing one" },
  { id: "PROBE-IDENTICAL", title: "Liveness differs from readiness", rationale: "The same check restarts pods that are only busy (kube-score pod-probes-identical).", fix: "probe a cheap liveness endpoint apart from readiness" },
  { id: "ENV-LITERAL-SECRET", title: "No credentials as literal env values", rationale: "A literal lands in every copy of the manifest (Polaris sensitiveContainerEnvVar).", fix: "use valueFrom.secretKeyRef" },
  { id: "SERVICE-TARGET-PORT", title: "Service target ports exist on the pods", rationale: "Traffic to a port the pods do not have is dropped (kube-linter invalid-target-ports).", fix: "target a container port by name or number" },
  { id: "SELECTOR-TEMPLATE", title: "Workload selectors match their pod template", rationale: "The API server rejects a selector that does not match the template.", fix: "make the template labels include the selector" },
  { id: "RBAC-WILDCARD", title: "No wildcards in RBAC rules", rationale: "A wildcard grants every present and future resource or verb (CKV_K8S_49).", fix: "list resources and verbs explicitly" },
  { id: "RBAC-EXEC", title: "No exec or attach into pods", rationale: "exec runs commands as any workload (Polaris clusterrolePodExecAttach).", fix: "remove pods/exec and pods/attach" },
  { id: "RBAC-CLUSTER-ADMIN", title: "No bindings to cluster-admin", rationale: "cluster-admin is full control of the cluster (kube-linter cluster-admin-role-binding).", fix: "bind a Role with only the rules needed" },
  { id: "SERVICE-EXPOSED", title: "No NodePort or LoadBalancer unless intended", rationale: "They are reachable from outside the cluster (kube-score service-type).", fix: "use ClusterIP behind an Ingress" },
  { id: "NETPOL-COVERAGE", title: "Every pod is covered by NetworkPolicies both ways", rationale: "Unpoliced pods accept and send any traffic (kube-score pod-networkpolicy, CKV2_K8S_6).", fix: "add a default-deny policy and explicit allows" },
  { id: "PDB-MISSING", title: "Replicated workloads have a PodDisruptionBudget", rationale: "A drain may evict all replicas at once (kube-score deployment-has-poddisruptionbudget).", fix: "add a PodDisruptionBudget with maxUnavailable: 1" },
  { id: "EPHEMERAL-STORAGE", title: "Containers bound their local disk", rationale: "Unbounded logs and temp files can fill a node and evict its pods (kube-score container-ephemeral-storage-request-and-limit).", fix: "set requests and limits for ephemeral-storage" },
  { id: "SPREAD-MISSING", title: "Replicated workloads spread over nodes", rationale: "All replicas on one node fail together (kube-score deployment-has-host-podantiaffinity, Polaris topologySpreadConstraint).", fix: "add topologySpreadConstraints on kubernetes.io/hostname" },
  { id: "JOB-TTL", title: "Jobs are cleaned up; CronJobs have a starting deadline", rationale: "Finished Jobs pile up; missed CronJob runs fire without limit (kube-linter job-ttl-seconds-after-finished, kube-score cronjob-has-deadline).", fix: "set ttlSecondsAfterFinished and startingDeadlineSeconds" },
  { id: "NAMESPACE-DEFAULT", title: "Objects have their own namespace", rationale: "The default namespace is shared and cannot be isolated (CKV_K8S_21).", fix: "set metadata.namespace" },
  { id: "K8S-UNKNOWN-KIND", title: "Kinds berth can validate", rationale: "Objects of unknown kinds are passed through unchecked.", fix: "nothing to fix; suppress with a reason if expected" },
  { id: "LINT-SUPPRESSION-REASON", title: "Every suppression gives a reason", rationale: "A silenced rule without a reason cannot be reviewed.", fix: 'write berth.dev/ignore: "RULE-ID — reason"' },
];

export const RULES: readonly RuleInfo[] = [
  ...POD_SECURITY_CONTROLS.map((c) => ({
    id: pssRuleId(c.id),
    group: "pss" as const,
    title: `Pod Security Standards ${c.level}: ${c.id}`,
    rationale: `The ${c.level} profile forbids this (kubernetes/pod-security-admission check ${c.id}).`,
    fix: PSS_FIX[c.id] ?? "see the Pod Security Standards",
  })),
  ...OTHER.map((r) => ({ ...r, group: groupOf(r.id) })),
];

export const ruleInfo = (id: string): RuleInfo | undefined => RULES.find((r) => r.id === id);
