/**
 * Pod Security Standards "restricted" (which includes "baseline"), one entry per control of
 * kubernetes/pod-security-admission policy/check_*.go. Each control returns the fields that violate it.
 */
import { type PodSpecLike, containersOf } from "./pod-spec.ts";

export interface Violation {
  readonly field: string;
  readonly message: string;
}

export interface PodSecurityControl {
  readonly id: string;
  readonly level: "baseline" | "restricted";
  readonly check: (pod: PodSpecLike) => Violation[];
}

const BASELINE_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const SAFE_SYSCTLS = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]);
const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "downwardAPI", "emptyDir", "projected", "secret", "csi", "persistentVolumeClaim", "ephemeral", "image"]);

const perContainer = (pod: PodSpecLike, test: (c: ReturnType<typeof containersOf>[number]) => Violation | undefined): Violation[] =>
  containersOf(pod).map(test).filter((v): v is Violation => v !== undefined);

export const POD_SECURITY_CONTROLS: readonly PodSecurityControl[] = [
  {
    id: "hostNamespaces",
    level: "baseline",
    check: (pod) => (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod[k]).map((k) => ({ field: `.${k}`, message: `${k} must be false or unset` })),
  },
  {
    id: "privileged",
    level: "baseline",
    check: (pod) => perContainer(pod, ({ container, field }) => (container.securityContext?.privileged ? { field: `${field}.securityContext.privileged`, message: "privileged containers are not allowed" } : undefined)),
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    check: (pod) =>
      perContainer(pod, ({ container, field }) => {
        const bad = (container.securityContext?.capabilities?.add ?? []).filter((c) => !BASELINE_CAPABILITIES.has(c));
        return bad.length ? { field: `${field}.securityContext.capabilities.add`, message: `capabilities ${bad.join(", ")} are not allowed` } : undefined;
      }),
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    check: (pod) => (pod.volumes ?? []).flatMap((v, i) => ("hostPath" in v ? [{ field: `.volumes[${i}].hostPath`, message: "hostPath volumes are not allowed" }] : [])),
  },
  {
    id: "hostPorts",
    level: "baseline",
    check: (pod) =>
      containersOf(pod).flatMap(({ container, field }) =>
        (container.ports ?? []).flatMap((p, i) => (p.hostPort ? [{ field: `${field}.ports[${i}].hostPort`, message: "hostPort must be unset or 0" }] : [])),
      ),
  },
  {
    id: "appArmorProfile",
    level: "baseline",
    check: (pod) =>
      [{ sc: pod.securityContext, field: ".securityContext" }, ...containersOf(pod).map(({ container, field }) => ({ sc: container.securityContext, field: `${field}.securityContext` }))].flatMap(({ sc, field }) =>
        sc?.appArmorProfile?.type && !["RuntimeDefault", "Localhost"].includes(sc.appArmorProfile.type) ? [{ field: `${field}.appArmorProfile.type`, message: "AppArmor profile must be RuntimeDefault or Localhost" }] : [],
      ),
  },
  {
    id: "seLinuxOptions",
    level: "baseline",
    check: (pod) =>
      [{ sc: pod.securityContext, field: ".securityContext" }, ...containersOf(pod).map(({ container, field }) => ({ sc: container.securityContext, field: `${field}.securityContext` }))].flatMap(({ sc, field }) => {
        const se = sc?.seLinuxOptions;
        if (!se) return [];
        const okType = !se.type || ["container_t", "container_init_t", "container_kvm_t"].includes(se.type);
        return okType && !se.user && !se.role ? [] : [{ field: `${field}.seLinuxOptions`, message: "SELinux type must be a container type; user and role must be unset" }];
      }),
  },
  {
    id: "procMount",
    level: "baseline",
    check: (pod) => perContainer(pod, ({ container, field }) => (container.securityContext?.procMount && container.securityContext.procMount !== "Default" ? { field: `${field}.securityContext.procMount`, message: "procMount must be Default" } : undefined)),
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    check: (pod) =>
      [{ sc: pod.securityContext, field: ".securityContext" }, ...containersOf(pod).map(({ container, field }) => ({ sc: container.securityContext, field: `${field}.securityContext` }))].flatMap(({ sc, field }) =>
        sc?.seccompProfile?.type === "Unconfined" ? [{ field: `${field}.seccompProfile.type`, message: "seccomp must not be Unconfined" }] : [],
      ),
  },
  {
    id: "sysctls",
    level: "baseline",
    check: (pod) => (pod.securityContext?.sysctls ?? []).flatMap((s, i) => (SAFE_SYSCTLS.has(s.name) ? [] : [{ field: `.securityContext.sysctls[${i}]`, message: `sysctl ${s.name} is not in the safe set` }])),
  },
  {
    id: "windowsHostProcess",
    level: "baseline",
    check: (pod) => perContainer(pod, ({ container, field }) => (container.securityContext?.windowsOptions?.hostProcess ? { field: `${field}.securityContext.windowsOptions.hostProcess`, message: "host process containers are not allowed" } : undefined)),
  },
  {
    id: "hostProbesAndHostLifecycle",
    level: "baseline",
    check: (pod) =>
      containersOf(pod).flatMap(({ container, field }) =>
        (["livenessProbe", "readinessProbe", "startupProbe"] as const).flatMap((p) => {
          const probe = container[p];
          return probe?.httpGet?.host || probe?.tcpSocket?.host ? [{ field: `${field}.${p}`, message: "probes must not set host" }] : [];
        }),
      ),
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    check: (pod) =>
      (pod.volumes ?? []).flatMap((v, i) => {
        const types = Object.keys(v).filter((k) => k !== "name");
        const bad = types.filter((t) => !RESTRICTED_VOLUME_TYPES.has(t));
        return bad.length ? [{ field: `.volumes[${i}]`, message: `volume type ${bad.join(", ")} is not allowed` }] : [];
      }),
  },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    check: (pod) =>
      perContainer(pod, ({ container, field }) =>
        container.securityContext?.allowPrivilegeEscalation === false ? undefined : { field: `${field}.securityContext.allowPrivilegeEscalation`, message: "must be set to false explicitly" },
      ),
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    check: (pod) => {
      if (pod.hostUsers === false) return [];
      const podLevel = pod.securityContext?.runAsNonRoot;
      const out: Violation[] = [];
      if (podLevel === false) out.push({ field: ".securityContext.runAsNonRoot", message: "must not be false" });
      for (const { container, field } of containersOf(pod)) {
        const own = container.securityContext?.runAsNonRoot;
        if (own === false || (own === undefined && podLevel !== true)) out.push({ field: `${field}.securityContext.runAsNonRoot`, message: "must be true (here or at pod level)" });
      }
      return out;
    },
  },
  {
    id: "runAsUser",
    level: "restricted",
    check: (pod) => {
      const out: Violation[] = [];
      if (pod.securityContext?.runAsUser === 0) out.push({ field: ".securityContext.runAsUser", message: "must not be 0 (root)" });
      for (const { container, field } of containersOf(pod)) if (container.securityContext?.runAsUser === 0) out.push({ field: `${field}.securityContext.runAsUser`, message: "must not be 0 (root)" });
      return out;
    },
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    check: (pod) => {
      const ok = (t?: string) => t === "RuntimeDefault" || t === "Localhost";
      const podType = pod.securityContext?.seccompProfile?.type;
      return perContainer(pod, ({ container, field }) => {
        const own = container.securityContext?.seccompProfile?.type;
        return ok(own) || (own === undefined && ok(podType)) ? undefined : { field: `${field}.securityContext.seccompProfile.type`, message: "must be RuntimeDefault or Localhost (here or at pod level)" };
      });
    },
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    check: (pod) =>
      containersOf(pod).flatMap(({ container, field }) => {
        const caps = container.securityContext?.capabilities;
        const out: Violation[] = [];
        if (!caps?.drop?.includes("ALL")) out.push({ field: `${field}.securityContext.capabilities.drop`, message: 'must include "ALL"' });
        const added = (caps?.add ?? []).filter((c) => c !== "NET_BIND_SERVICE");
        if (added.length) out.push({ field: `${field}.securityContext.capabilities.add`, message: `only NET_BIND_SERVICE may be added, not ${added.join(", ")}` });
        return out;
      }),
  },
];
