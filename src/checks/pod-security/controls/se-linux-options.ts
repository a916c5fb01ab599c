import type { PodRule, PodSecurityControl } from "../control.ts";
import { securityContextsOf } from "./pod-parts.ts";

/** SELinux types allowed, by the policy version that added them (empty means the runtime's default). */
const TYPES_ADDED: readonly { since: number; types: readonly string[] }[] = [
  { since: 0, types: ["", "container_t", "container_init_t", "container_kvm_t"] },
  { since: 31, types: ["container_engine_t"] },
];

const typesAllowedAt = (version: number) => new Set(TYPES_ADDED.filter((a) => a.since <= version).flatMap((a) => a.types));

const containerTypesOnly =
  (allowed: ReadonlySet<string>): PodRule =>
  ({ spec }) =>
    securityContextsOf(spec).flatMap(({ sc, field }) => {
      const se = sc?.seLinuxOptions;
      if (!se) return [];
      const problems = [
        ...(allowed.has(se.type ?? "") ? [] : [`type "${se.type}" is not allowed (${[...allowed].filter(Boolean).join(", ")})`]),
        ...(se.user ? ["user may not be set"] : []),
        ...(se.role ? ["role may not be set"] : []),
      ];
      return problems.length ? [{ field: `${field}.seLinuxOptions`, message: problems.join("; ") }] : [];
    });

export const seLinuxOptions: PodSecurityControl = {
  id: "seLinuxOptions",
  level: "baseline",
  fix: "leave seLinuxOptions unset or use a container type; never set user or role",
  versions: TYPES_ADDED.map(({ since }) => ({ since, check: containerTypesOnly(typesAllowedAt(since)) })),
};
