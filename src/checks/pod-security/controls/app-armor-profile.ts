import type { PodSecurityControl } from "../control.ts";
import { securityContextsOf } from "./pod-parts.ts";

export const appArmorProfile: PodSecurityControl = {
  id: "appArmorProfile",
  level: "baseline",
  fix: "use RuntimeDefault or Localhost",
  check: (pod) =>
    securityContextsOf(pod).flatMap(({ sc, field }) =>
      sc?.appArmorProfile?.type && !["RuntimeDefault", "Localhost"].includes(sc.appArmorProfile.type) ? [{ field: `${field}.appArmorProfile.type`, message: "AppArmor profile must be RuntimeDefault or Localhost" }] : [],
    ),
};
