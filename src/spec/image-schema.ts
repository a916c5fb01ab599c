/**
 * An image: the plain `registry/repository:tag` string, or a repository in a registry of spec.azure named by
 * reference, so no environment repeats the registry's login server. Both must pin a tag or a digest.
 */
import { z } from "zod";
import * as f from "./formats.ts";
import { AzureRef } from "./azure-schema.ts";

const ImageInRegistry = z
  .strictObject({
    registry: AzureRef.describe("The registry's login server: { from: azure.registries.<name>, value: loginServer }."),
    repository: z
      .string()
      .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be a repository path such as team/app (lower-case letters, digits, '.', '_', '-', '/')")
      .describe("The repository in the registry, e.g. airflow3x-with-drivers."),
    tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be an image tag such as 1.1.0").optional().describe("A version tag (not latest); a tag or a digest is required."),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>").optional().describe("sha256:<64 hex>; a tag or a digest is required."),
  })
  .describe("An image in a registry of spec.azure, its login server known after the registry is created.");

/**
 * Refined on the union rather than in a branch, so a bad string is reported exactly as before the object form
 * existed (a union issue would say only "expected a string or a mapping").
 */
export const Image = z
  .union([z.string(), ImageInRegistry])
  .superRefine((value, ctx) => {
    if (typeof value === "string") {
      const problem = f.pinnedImage(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem.message, params: { hint: problem.hint }, input: value });
    } else if (value.tag === undefined && value.digest === undefined)
      ctx.addIssue({ code: "custom", message: `image ${value.repository} has no tag`, params: { hint: 'pin a version with tag: "1.0.0", or digest: "sha256:…"' }, input: value });
    else if (value.tag === "latest" && value.digest === undefined)
      ctx.addIssue({ code: "custom", path: ["tag"], message: `image ${value.repository} uses the tag "latest", which changes under you`, params: { hint: "pin a version tag or a digest" }, input: value.tag });
  })
  .describe("Container image with a version tag or digest (`latest` and untagged images are refused): a string, or { registry: { from: azure.registries.<name>, value: loginServer }, repository, tag | digest }.");

export type ImageSpec = z.output<typeof Image>;
export type ImageInRegistrySpec = z.output<typeof ImageInRegistry>;
