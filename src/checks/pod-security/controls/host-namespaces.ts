import type { PodSecurityControl } from "../control.ts";

export const hostNamespaces: PodSecurityControl = {
  id: "hostNamespaces",
  level: "baseline",
  fix: "remove hostNetwork, hostPID and hostIPC",
  check: (pod) => (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod[k]).map((k) => ({ field: `.${k}`, message: `${k} must be false or unset` })),
};
