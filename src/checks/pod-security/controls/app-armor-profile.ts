import type { PodSecurityControl, Violation } from "../control.ts";
import { securityContextsOf } from "./pod-parts.ts";

/** The deprecated per-container annotation; admission judges every key with this prefix, whatever container it names. */
const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const allowedAnnotation = (v: string) => v === "" || v === "runtime/default" || v.startsWith("localhost/");
const ALLOWED_TYPES = new Set(["RuntimeDefault", "Localhost"]);

export const appArmorProfile: PodSecurityControl = {
  id: "appArmorProfile",
  level: "baseline",
  fix: "use the RuntimeDefault or a Localhost profile (annotations: runtime/default or localhost/<name>), never Unconfined",
  versions: [
    {
      since: 0,
      check: ({ spec, annotations }) => {
        const out: Violation[] = securityContextsOf(spec).flatMap(({ sc, field }) =>
          sc?.appArmorProfile && !ALLOWED_TYPES.has(sc.appArmorProfile.type ?? "") ? [{ field: `${field}.appArmorProfile.type`, message: `AppArmor profile "${sc.appArmorProfile.type ?? ""}" is forbidden: use RuntimeDefault or Localhost` }] : [],
        );
        for (const [key, value] of Object.entries(annotations))
          if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(String(value)))
            out.push({ field: `.annotations["${key}"]`, inMetadata: true, message: `AppArmor profile "${value}" is forbidden: use runtime/default or localhost/<profile>` });
        return out;
      },
    },
  ],
};
