import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { ResolvedSpec } from "../resolve.ts";
import { exposure } from "./exposure.ts";
import { references } from "./references.ts";
import type { SpecRule } from "./rule.ts";
import { storageAndAccess } from "./storage-and-access.ts";
import { workload } from "./workload.ts";

/** Cross-field rules, run after the schema accepted the spec. */
export const SPEC_RULES: readonly SpecRule[] = [references, workload, exposure, storageAndAccess];

export const checkSpecRules = (spec: ResolvedSpec): Diagnostic[] => SPEC_RULES.flatMap((rule) => rule(spec));
