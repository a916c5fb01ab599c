import type { PodRule, PodSecurityControl } from "../control.ts";

/** The safe sysctls (namespaced, isolated from other pods), by the policy version that added them. */
export const SAFE_SYSCTLS_ADDED: readonly { since: number; names: readonly string[] }[] = [
  { since: 0, names: ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"] },
  { since: 27, names: ["net.ipv4.ip_local_reserved_ports"] },
  { since: 29, names: ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"] },
  { since: 32, names: ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"] },
  { since: 37, names: ["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"] },
];

const safeOnly = (since: number): PodRule => {
  const safe = new Set(SAFE_SYSCTLS_ADDED.filter((a) => a.since <= since).flatMap((a) => a.names));
  return ({ spec }) =>
    (spec.securityContext?.sysctls ?? []).flatMap((s, i) => (safe.has(s.name) ? [] : [{ field: `.securityContext.sysctls[${i}]`, message: `sysctl ${s.name} is not in the safe set` }]));
};

export const sysctls: PodSecurityControl = {
  id: "sysctls",
  level: "baseline",
  fix: "set only the safe sysctls of the target policy version",
  versions: SAFE_SYSCTLS_ADDED.map(({ since }) => ({ since, check: safeOnly(since) })),
};
