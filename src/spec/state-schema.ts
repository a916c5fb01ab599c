/**
 * The `spec.state` section: where berth keeps a platform/env's lock, history and journal. Absent (or without
 * `backend`), berth chooses as before: the cluster when the plan deploys to one that exists, files in the state folder
 * otherwise. Cross-field rules (one of storageAccount/endpoint, a cluster to keep state in) are in rules/state.ts.
 */
import { z } from "zod";
import * as f from "./formats.ts";
import { formatted } from "./schema-parts.ts";

export const STATE_BACKENDS = ["cluster", "local", "azureBlob"] as const;
export type StateBackend = (typeof STATE_BACKENDS)[number];

const AzureBlobState = z
  .strictObject({
    storageAccount: formatted(f.storageAccountName)
      .optional()
      .describe("The storage account; its Blob endpoint follows from spec.azure.cloud (https://<account>.blob.core.windows.net in the public cloud). Give this or endpoint."),
    endpoint: formatted(f.blobEndpoint)
      .optional()
      .describe("The Blob service URL instead of storageAccount: a custom cloud, a private DNS name, or Azurite (http://127.0.0.1:10000/devstoreaccount1). Never a SAS token: credentials come from the environment."),
    container: formatted(f.blobContainerName).default("berth-state").describe("The container; berth creates it when missing and it may create containers."),
    prefix: formatted(f.blobPrefix).optional().describe("A folder inside the container: blobs are <prefix>/<platform>.<env>/…, so one container can serve many platforms and teams."),
  })
  .describe("An Azure Storage blob container: the lock is a blob lease, each revision a blob, the journal an append blob. Signed in as for spec.azure (service principal, workload identity, Azure CLI), or with AZURE_STORAGE_CONNECTION_STRING.");

export const State = z
  .strictObject({
    backend: z
      .enum(STATE_BACKENDS)
      .optional()
      .describe("cluster: a Lease and Secrets in the cluster (berth-system); local: files in the state folder, one machine only; azureBlob: a blob container, for Azure-only platforms and runs before the cluster exists. Absent: the cluster when the plan deploys to one that exists, local files otherwise."),
    azureBlob: AzureBlobState.optional(),
  })
  .describe("Where berth keeps this platform/env's lock, history (revisions) and run journal. See docs/state.md.");

export type StateSpec = z.output<typeof State>;
