import type { PodSecurityControl } from "../control.ts";

export const hostNamespaces: PodSecurityControl = {
  id: "hostNamespaces",
  level: "baseline",
  fix: "remove hostNetwork, hostPID and hostIPC",
  versions: [{ since: 0, check: ({ spec }) => (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => spec[k]).map((k) => ({ field: `.${k}`, message: `${k} must be false or unset` })) }],
};
