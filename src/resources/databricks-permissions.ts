/**
 * Permission levels each Databricks object type takes (the Permissions API refuses others with 400
 * INVALID_PARAMETER_VALUE): the spec rules check them before anything is deployed, and the provider before a PUT.
 */
export const PERMISSION_LEVELS: Readonly<Record<"clusters" | "jobs" | "directories" | "notebooks", readonly string[]>> = {
  clusters: ["CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"],
  jobs: ["CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"],
  directories: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
  notebooks: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
};
