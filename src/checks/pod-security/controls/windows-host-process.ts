import type { PodSecurityControl } from "../control.ts";
import { securityContextsOf } from "./pod-parts.ts";

export const windowsHostProcess: PodSecurityControl = {
  id: "windowsHostProcess",
  level: "baseline",
  fix: "remove windowsOptions.hostProcess",
  versions: [
    {
      since: 0,
      check: ({ spec }) =>
        securityContextsOf(spec).flatMap(({ sc, field }) => (sc?.windowsOptions?.hostProcess ? [{ field: `${field}.windowsOptions.hostProcess`, message: "host process containers are not allowed" }] : [])),
    },
  ],
};
