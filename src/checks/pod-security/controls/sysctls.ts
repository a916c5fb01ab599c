import type { PodSecurityControl } from "../control.ts";

const SAFE_SYSCTLS = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]);

export const sysctls: PodSecurityControl = {
  id: "sysctls",
  level: "baseline",
  fix: "set only the safe sysctls",
  check: (pod) => (pod.securityContext?.sysctls ?? []).flatMap((s, i) => (SAFE_SYSCTLS.has(s.name) ? [] : [{ field: `.securityContext.sysctls[${i}]`, message: `sysctl ${s.name} is not in the safe set` }])),
};
