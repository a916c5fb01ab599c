/**
 * Pod Security as the admission controller judges it, at every policy version 1.25–1.37 and both profiles. Each case
 * is one pod and, per profile, the controls that must reject it over which versions (inclusive); at every other
 * version and profile the pod must pass. The expectations are written from kubernetes/pod-security-admission's
 * policy/check_*.go (versioned checks, overrides, Windows and user-namespace relaxations), not from berth's code.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../../resources/pod.ts";
import type { PodSecurityLevel } from "./control.ts";
import { POD_SECURITY_CONTROLS } from "./controls/index.ts";
import { evaluatePod } from "./evaluate.ts";
import { type PodSpecLike, type PodView, podViewOf } from "./pod-spec.ts";
import { POLICY_VERSIONS, policyVersionOf } from "./policy-version.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- cases write fields berth's pod type leaves out
type Spec = PodSpecLike & Record<string, any>;
interface Pod {
  spec: Spec;
  annotations: Record<string, string>;
}

/** Passes restricted at every version: what berth writes for its own pods. */
const compliant = (): Pod => ({
  annotations: {},
  spec: {
    securityContext: restrictedPodSecurity({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 }) as Spec["securityContext"],
    containers: [{ name: "app", securityContext: restrictedContainerSecurity() as Spec["securityContext"], ports: [{ containerPort: 8080 } as never] }],
    initContainers: [{ name: "init", securityContext: restrictedContainerSecurity() as Spec["securityContext"] }],
    volumes: [{ name: "tmp", emptyDir: {} }],
  },
});

const app = (p: Pod) => p.spec.containers![0]!;
/** Removes a field from the pod's security context and every container's. */
const unsetEverywhere = (p: Pod, key: "runAsNonRoot" | "seccompProfile") => {
  delete p.spec.securityContext![key];
  for (const c of [...p.spec.containers!, ...p.spec.initContainers!]) delete c.securityContext![key];
};
const appSc = (p: Pod) => app(p).securityContext!;

type Range = readonly [control: string, from: number, to: number];
interface Case {
  readonly name: string;
  readonly mutate: (p: Pod) => void;
  readonly baseline?: readonly Range[];
  readonly restricted?: readonly Range[];
}

const ALL = [POLICY_VERSIONS.min, POLICY_VERSIONS.max] as const;
const both = (control: string, from: number = ALL[0], to: number = ALL[1]) => ({ baseline: [[control, from, to]] as Range[], restricted: [[control, from, to]] as Range[] });
/** A Windows pod: upstream lets it through the Linux-only restricted checks from policy 1.25. */
const windows = (p: Pod) => void (p.spec.os = { name: "windows" });
const stripLinuxOnly = (p: Pod) => {
  for (const c of [...p.spec.containers!, ...p.spec.initContainers!]) {
    delete c.securityContext!.allowPrivilegeEscalation;
    delete c.securityContext!.capabilities;
    delete c.securityContext!.seccompProfile;
  }
  delete p.spec.securityContext!.seccompProfile;
};

const CASES: readonly Case[] = [
  { name: "berth's secure defaults", mutate: () => undefined },
  // hostNamespaces (baseline, all versions)
  { name: "hostNetwork", mutate: (p) => void (p.spec.hostNetwork = true), ...both("hostNamespaces") },
  { name: "hostPID", mutate: (p) => void (p.spec.hostPID = true), ...both("hostNamespaces") },
  { name: "hostIPC", mutate: (p) => void (p.spec.hostIPC = true), ...both("hostNamespaces") },
  { name: "hostNetwork false", mutate: (p) => void (p.spec.hostNetwork = false) },
  // privileged
  { name: "privileged container", mutate: (p) => void (appSc(p).privileged = true), ...both("privileged") },
  { name: "privileged ephemeral container", mutate: (p) => void (p.spec.ephemeralContainers = [{ name: "debug", securityContext: { ...restrictedContainerSecurity(), privileged: true } as Spec["securityContext"] }]), ...both("privileged") },
  { name: "privileged false", mutate: (p) => void (appSc(p).privileged = false) },
  // capabilities: restricted replaces the baseline control
  { name: "adds SYS_ADMIN", mutate: (p) => void (appSc(p).capabilities!.add = ["SYS_ADMIN"]), baseline: [["capabilities_baseline", ...ALL]], restricted: [["capabilities_restricted", ...ALL]] },
  { name: "adds NET_RAW", mutate: (p) => void (appSc(p).capabilities!.add = ["NET_RAW"]), baseline: [["capabilities_baseline", ...ALL]], restricted: [["capabilities_restricted", ...ALL]] },
  { name: "adds CHOWN (baseline's default set)", mutate: (p) => void (appSc(p).capabilities!.add = ["CHOWN"]), restricted: [["capabilities_restricted", ...ALL]] },
  { name: "adds NET_BIND_SERVICE", mutate: (p) => void (appSc(p).capabilities!.add = ["NET_BIND_SERVICE"]) },
  { name: "does not drop ALL", mutate: (p) => void (appSc(p).capabilities = { drop: ["NET_RAW"] }), restricted: [["capabilities_restricted", ...ALL]] },
  // volumes: restrictedVolumes replaces hostPathVolumes
  { name: "hostPath volume", mutate: (p) => void p.spec.volumes!.push({ name: "h", hostPath: { path: "/" } }), baseline: [["hostPathVolumes", ...ALL]], restricted: [["restrictedVolumes", ...ALL]] },
  { name: "nfs volume", mutate: (p) => void p.spec.volumes!.push({ name: "n", nfs: { server: "x", path: "/" } }), restricted: [["restrictedVolumes", ...ALL]] },
  { name: "gitRepo volume", mutate: (p) => void p.spec.volumes!.push({ name: "g", gitRepo: { repository: "x" } }), restricted: [["restrictedVolumes", ...ALL]] },
  { name: "volume of no known type", mutate: (p) => void p.spec.volumes!.push({ name: "u" }), restricted: [["restrictedVolumes", ...ALL]] },
  {
    name: "every allowed volume type",
    mutate: (p) =>
      void p.spec.volumes!.push(
        { name: "a", configMap: { name: "c" } },
        { name: "b", secret: { secretName: "s" } },
        { name: "c", projected: { sources: [] } },
        { name: "d", downwardAPI: {} },
        { name: "e", csi: { driver: "x" } },
        { name: "f", persistentVolumeClaim: { claimName: "p" } },
        { name: "g", ephemeral: { volumeClaimTemplate: {} } },
        { name: "h", image: { reference: "x" } },
      ),
  },
  // hostPorts
  { name: "hostPort", mutate: (p) => void (app(p).ports = [{ containerPort: 80, hostPort: 80 } as never]), ...both("hostPorts") },
  { name: "hostPort 0", mutate: (p) => void (app(p).ports = [{ containerPort: 80, hostPort: 0 } as never]) },
  // appArmorProfile: annotations and fields, at pod and container level
  { name: "AppArmor annotation unconfined", mutate: (p) => void (p.annotations["container.apparmor.security.beta.kubernetes.io/app"] = "unconfined"), ...both("appArmorProfile") },
  { name: "AppArmor annotation for a container the pod lacks", mutate: (p) => void (p.annotations["container.apparmor.security.beta.kubernetes.io/ghost"] = "unconfined"), ...both("appArmorProfile") },
  {
    name: "AppArmor annotations runtime/default, localhost/*, empty",
    mutate: (p) =>
      void Object.assign(p.annotations, {
        "container.apparmor.security.beta.kubernetes.io/app": "runtime/default",
        "container.apparmor.security.beta.kubernetes.io/init": "localhost/my-profile",
        "container.apparmor.security.beta.kubernetes.io/other": "",
      }),
  },
  { name: "AppArmor pod field Unconfined", mutate: (p) => void (p.spec.securityContext!.appArmorProfile = { type: "Unconfined" }), ...both("appArmorProfile") },
  { name: "AppArmor container field Unconfined", mutate: (p) => void (p.spec.initContainers![0]!.securityContext!.appArmorProfile = { type: "Unconfined" }), ...both("appArmorProfile") },
  { name: "AppArmor fields RuntimeDefault and Localhost", mutate: (p) => void ((p.spec.securityContext!.appArmorProfile = { type: "RuntimeDefault" }), (appSc(p).appArmorProfile = { type: "Localhost", localhostProfile: "x" })) },
  // seLinuxOptions: container_engine_t allowed from 1.31
  { name: "SELinux type container_engine_t", mutate: (p) => void (appSc(p).seLinuxOptions = { type: "container_engine_t" }), ...both("seLinuxOptions", 25, 30) },
  { name: "SELinux types container_t, container_init_t, container_kvm_t", mutate: (p) => void ((p.spec.securityContext!.seLinuxOptions = { type: "container_t", level: "s0:c1" }), (appSc(p).seLinuxOptions = { type: "container_init_t" }), (p.spec.initContainers![0]!.securityContext!.seLinuxOptions = { type: "container_kvm_t" })) },
  { name: "SELinux type spc_t", mutate: (p) => void (p.spec.securityContext!.seLinuxOptions = { type: "spc_t" }), ...both("seLinuxOptions") },
  { name: "SELinux user", mutate: (p) => void (appSc(p).seLinuxOptions = { user: "system_u" }), ...both("seLinuxOptions") },
  { name: "SELinux role", mutate: (p) => void (p.spec.securityContext!.seLinuxOptions = { role: "system_r" }), ...both("seLinuxOptions") },
  // procMount: baseline relaxes for user-namespace pods from 1.35; restricted keeps the rule (its own control from 1.35)
  { name: "procMount Unmasked", mutate: (p) => void (appSc(p).procMount = "Unmasked"), baseline: [["procMount", ...ALL]], restricted: [["procMount", 25, 34], ["procMount_restricted", 35, 37]] },
  { name: "procMount Unmasked, hostUsers false", mutate: (p) => void ((appSc(p).procMount = "Unmasked"), (p.spec.hostUsers = false)), baseline: [["procMount", 25, 34]], restricted: [["procMount", 25, 34], ["procMount_restricted", 35, 37]] },
  { name: "procMount Default", mutate: (p) => void (appSc(p).procMount = "Default") },
  // seccompProfile: restricted replaces baseline
  { name: "seccomp Unconfined at pod level", mutate: (p) => void (p.spec.securityContext!.seccompProfile = { type: "Unconfined" }), baseline: [["seccompProfile_baseline", ...ALL]], restricted: [["seccompProfile_restricted", ...ALL]] },
  { name: "seccomp unset at pod level, set in every container", mutate: (p) => void delete p.spec.securityContext!.seccompProfile },
  { name: "seccomp Unconfined in a container", mutate: (p) => void (p.spec.initContainers![0]!.securityContext!.seccompProfile = { type: "Unconfined" }), baseline: [["seccompProfile_baseline", ...ALL]], restricted: [["seccompProfile_restricted", ...ALL]] },
  { name: "seccomp unset everywhere", mutate: (p) => unsetEverywhere(p, "seccompProfile"), restricted: [["seccompProfile_restricted", ...ALL]] },
  { name: "seccomp Localhost in every container, none at pod level", mutate: (p) => void (unsetEverywhere(p, "seccompProfile"), (appSc(p).seccompProfile = { type: "Localhost" }), (p.spec.initContainers![0]!.securityContext!.seccompProfile = { type: "Localhost" })) },
  // sysctls: the safe set grows at 1.27, 1.29, 1.32 and 1.37
  { name: "sysctl kernel.shm_rmid_forced", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "kernel.shm_rmid_forced", value: "1" }] as never) },
  { name: "sysctl net.ipv4.ip_unprivileged_port_start", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.ip_unprivileged_port_start" }]) },
  { name: "sysctl net.ipv4.ip_local_reserved_ports", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.ip_local_reserved_ports" }]), ...both("sysctls", 25, 26) },
  { name: "sysctl net.ipv4.tcp_keepalive_time", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.tcp_keepalive_time" }]), ...both("sysctls", 25, 28) },
  { name: "sysctl net.ipv4.tcp_fin_timeout", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.tcp_fin_timeout" }]), ...both("sysctls", 25, 28) },
  { name: "sysctl net.ipv4.tcp_rmem", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.tcp_rmem" }]), ...both("sysctls", 25, 31) },
  { name: "sysctl net.ipv4.tcp_wmem", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.tcp_wmem" }]), ...both("sysctls", 25, 31) },
  { name: "sysctl net.ipv4.tcp_slow_start_after_idle", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.tcp_slow_start_after_idle" }]), ...both("sysctls", 25, 36) },
  { name: "sysctl net.ipv4.tcp_notsent_lowat", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "net.ipv4.tcp_notsent_lowat" }]), ...both("sysctls", 25, 36) },
  { name: "sysctl kernel.msgmax", mutate: (p) => void (p.spec.securityContext!.sysctls = [{ name: "kernel.msgmax" }]), ...both("sysctls") },
  // windowsHostProcess
  { name: "hostProcess container", mutate: (p) => void (appSc(p).windowsOptions = { hostProcess: true }), ...both("windowsHostProcess") },
  { name: "hostProcess pod", mutate: (p) => void (p.spec.securityContext!.windowsOptions = { hostProcess: true }), ...both("windowsHostProcess") },
  { name: "hostProcess false", mutate: (p) => void (appSc(p).windowsOptions = { hostProcess: false }) },
  // hostProbesAndHostLifecycle: from 1.34
  { name: "liveness probe httpGet host", mutate: (p) => void (app(p).livenessProbe = { httpGet: { host: "10.0.0.1" } }), ...both("hostProbesAndHostLifecycle", 34, 37) },
  { name: "startup probe tcpSocket host", mutate: (p) => void (app(p).startupProbe = { tcpSocket: { host: "metadata.internal" } }), ...both("hostProbesAndHostLifecycle", 34, 37) },
  { name: "preStop httpGet host", mutate: (p) => void (app(p).lifecycle = { preStop: { httpGet: { host: "10.0.0.1" } } }), ...both("hostProbesAndHostLifecycle", 34, 37) },
  { name: "postStart tcpSocket host in an init container", mutate: (p) => void (p.spec.initContainers![0]!.lifecycle = { postStart: { tcpSocket: { host: "10.0.0.1" } } }), ...both("hostProbesAndHostLifecycle", 34, 37) },
  { name: "probes without host", mutate: (p) => void ((app(p).livenessProbe = { httpGet: {} }), (app(p).readinessProbe = { tcpSocket: {} })) },
  // allowPrivilegeEscalation (restricted): Windows pods exempt from 1.25
  { name: "allowPrivilegeEscalation unset", mutate: (p) => void delete p.spec.initContainers![0]!.securityContext!.allowPrivilegeEscalation, restricted: [["allowPrivilegeEscalation", ...ALL]] },
  { name: "allowPrivilegeEscalation true", mutate: (p) => void (appSc(p).allowPrivilegeEscalation = true), restricted: [["allowPrivilegeEscalation", ...ALL]] },
  // runAsNonRoot: user-namespace pods exempt from 1.35
  { name: "runAsNonRoot unset", mutate: (p) => unsetEverywhere(p, "runAsNonRoot"), restricted: [["runAsNonRoot", ...ALL]] },
  { name: "runAsNonRoot false in a container", mutate: (p) => void (appSc(p).runAsNonRoot = false), restricted: [["runAsNonRoot", ...ALL]] },
  { name: "runAsNonRoot unset at pod level, true in every container", mutate: (p) => void (unsetEverywhere(p, "runAsNonRoot"), (appSc(p).runAsNonRoot = true), (p.spec.initContainers![0]!.securityContext!.runAsNonRoot = true)) },
  { name: "runAsNonRoot unset, hostUsers false", mutate: (p) => void (unsetEverywhere(p, "runAsNonRoot"), (p.spec.hostUsers = false)), restricted: [["runAsNonRoot", 25, 34]] },
  // runAsUser: user-namespace pods exempt from 1.35
  { name: "runAsUser 0 in a container", mutate: (p) => void (appSc(p).runAsUser = 0), restricted: [["runAsUser", ...ALL]] },
  { name: "runAsUser 0 at pod level", mutate: (p) => void (p.spec.securityContext!.runAsUser = 0), restricted: [["runAsUser", ...ALL]] },
  { name: "runAsUser 0, hostUsers false", mutate: (p) => void ((p.spec.securityContext!.runAsUser = 0), (p.spec.hostUsers = false)), restricted: [["runAsUser", 25, 34]] },
  { name: "hostUsers false alone", mutate: (p) => void (p.spec.hostUsers = false) },
  // Windows pods: no allowPrivilegeEscalation, capabilities or seccomp needed in restricted; everything else still holds
  { name: "Windows pod without the Linux-only fields", mutate: (p) => void (windows(p), stripLinuxOnly(p)) },
  { name: "Linux pod without the Linux-only fields", mutate: stripLinuxOnly, restricted: [["allowPrivilegeEscalation", ...ALL], ["capabilities_restricted", ...ALL], ["seccompProfile_restricted", ...ALL]] },
  { name: "Windows pod adding SYS_ADMIN", mutate: (p) => void (windows(p), (appSc(p).capabilities!.add = ["SYS_ADMIN"])), baseline: [["capabilities_baseline", ...ALL]] },
  { name: "Windows pod without runAsNonRoot", mutate: (p) => void (windows(p), unsetEverywhere(p, "runAsNonRoot")), restricted: [["runAsNonRoot", ...ALL]] },
  { name: "Windows pod with hostProcess", mutate: (p) => void (windows(p), (appSc(p).windowsOptions = { hostProcess: true })), ...both("windowsHostProcess") },
  { name: "Windows pod with seccomp Unconfined", mutate: (p) => void (windows(p), (p.spec.securityContext!.seccompProfile = { type: "Unconfined" })), baseline: [["seccompProfile_baseline", ...ALL]] },
];

const LEVELS: readonly PodSecurityLevel[] = ["baseline", "restricted"];
const view = (p: Pod): PodView => ({ spec: p.spec, annotations: p.annotations, specField: ".spec", metadataField: ".metadata" });
const expected = (c: Case, level: PodSecurityLevel, v: number) =>
  (c[level] ?? [])
    .filter(([, from, to]) => from <= v && v <= to)
    .map(([id]) => id)
    .sort();

describe("Pod Security policy, versions 1.25–1.37, both profiles", () => {
  for (const c of CASES)
    it(c.name, () => {
      const pod = compliant();
      c.mutate(pod);
      for (const level of LEVELS)
        for (let v = POLICY_VERSIONS.min; v <= POLICY_VERSIONS.max; v++) {
          const found = evaluatePod(view(pod), level, v);
          assert.deepEqual([...found.keys()].sort(), expected(c, level, v), `${level}:v1.${v}`);
          for (const violations of found.values()) for (const x of violations) assert.match(x.field, /^\./);
        }
    });

  it("every control rejects some case, so none is untested", () => {
    const tested = new Set(CASES.flatMap((c) => [...(c.baseline ?? []), ...(c.restricted ?? [])].map(([id]) => id)));
    assert.deepEqual(POD_SECURITY_CONTROLS.map((c) => c.id).filter((id) => !tested.has(id)), []);
  });

  it("a control's versions are strictly increasing, and only restricted rules replace others", () => {
    for (const control of POD_SECURITY_CONTROLS) {
      const since = control.versions.map((v) => v.since);
      assert.deepEqual(since, [...new Set(since)].sort((a, b) => a - b), control.id);
      if (control.level === "baseline") assert.ok(control.versions.every((v) => !v.overrides), control.id);
    }
  });
});

describe("policy version of a target Kubernetes version", () => {
  it("is the target's minor within 1.25–1.37, the nearest bound outside", () => {
    assert.equal(policyVersionOf("1.31"), 31);
    assert.equal(policyVersionOf("1.25"), 25);
    assert.equal(policyVersionOf("1.37"), 37);
    assert.equal(policyVersionOf("1.40"), 37);
    assert.equal(policyVersionOf("1.20"), 25);
  });
});

describe("pods Pod Security admission extracts", () => {
  const pod = { metadata: { annotations: { a: "1" } }, spec: { containers: [] } };
  const cases: [object, string, string][] = [
    [{ kind: "Pod", ...pod }, ".spec", ".metadata"],
    [{ kind: "Deployment", spec: { template: pod } }, ".spec.template.spec", ".spec.template.metadata"],
    [{ kind: "CronJob", spec: { jobTemplate: { spec: { template: pod } } } }, ".spec.jobTemplate.spec.template.spec", ".spec.jobTemplate.spec.template.metadata"],
    [{ kind: "ReplicationController", spec: { template: pod } }, ".spec.template.spec", ".spec.template.metadata"],
    [{ kind: "PodTemplate", template: pod }, ".template.spec", ".template.metadata"],
  ];
  for (const [object, specField, metadataField] of cases)
    it((object as { kind: string }).kind, () => {
      const v = podViewOf(object as { kind: string })!;
      assert.deepEqual([v.specField, v.metadataField, v.annotations], [specField, metadataField, { a: "1" }]);
    });
  it("nothing else", () => assert.equal(podViewOf({ kind: "Service" }), undefined));
});
