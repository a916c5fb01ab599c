import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import type { ResolvedSpec } from "../../resolve.ts";
import { azureNames } from "./names.ts";
import { azureNetwork } from "./network.ts";
import { azureReferences } from "./references.ts";
import { azureRequired } from "./required.ts";
import { azureServers } from "./servers.ts";
import { azureVault } from "./vault.ts";

/** Rules of spec.azure, and of references to it from apps, jobs and components. */
export const azureRules = (spec: ResolvedSpec): Diagnostic[] => [azureNames, azureNetwork, azureReferences, azureRequired, azureServers, azureVault].flatMap((rule) => rule(spec));
