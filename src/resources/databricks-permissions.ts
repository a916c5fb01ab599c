/**
 * The permission levels the Permissions API accepts per object type berth sets permissions on (Databricks' access
 * control docs; others are refused with 400 INVALID_PARAMETER_VALUE). Data only, so the spec rules and the
 * permissions kind check levels against the same table.
 */
import type { PermissionsResource } from "./databricks-resource.ts";

export const PERMISSION_LEVELS: Readonly<Record<PermissionsResource["objectType"], readonly string[]>> = {
  clusters: ["CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"],
  jobs: ["CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"],
  directories: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
  notebooks: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
};

/** The level is one the object type takes. */
export const isPermissionLevel = (objectType: PermissionsResource["objectType"], level: string): boolean => PERMISSION_LEVELS[objectType]?.includes(level) ?? false;
