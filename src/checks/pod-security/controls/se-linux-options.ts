import type { PodSecurityControl } from "../control.ts";
import { securityContextsOf } from "./pod-parts.ts";

export const seLinuxOptions: PodSecurityControl = {
  id: "seLinuxOptions",
  level: "baseline",
  fix: "leave seLinuxOptions unset or use a container_t type",
  check: (pod) =>
    securityContextsOf(pod).flatMap(({ sc, field }) => {
      const se = sc?.seLinuxOptions;
      if (!se) return [];
      const okType = !se.type || ["container_t", "container_init_t", "container_kvm_t"].includes(se.type);
      return okType && !se.user && !se.role ? [] : [{ field: `${field}.seLinuxOptions`, message: "SELinux type must be a container type; user and role must be unset" }];
    }),
};
