/**
 * The image string a container runs. A repository in a registry of spec.azure becomes
 * `<loginServer token>/<repository>:<tag>` (or `@<digest>`): the engine fills the login server in once the registry
 * exists, and the plain string form is passed through unchanged.
 */
import type { AzureSpec } from "../spec/azure-schema.ts";
import type { ImageSpec } from "../spec/image-schema.ts";
import { azureRefValue } from "./azure/ids.ts";

export function imageOf(azure: AzureSpec | undefined, image: ImageSpec): string {
  if (typeof image === "string") return image;
  // The spec rules have checked that the reference names a declared registry's loginServer.
  const registry = azureRefValue(azure!, image.registry);
  return `${registry}/${image.repository}${image.tag !== undefined ? `:${image.tag}` : ""}${image.digest !== undefined ? `@${image.digest}` : ""}`;
}

/** A component's image: its `image` option when set, else the catalog's pinned upstream image. */
export const componentImage = (ctx: { readonly platform: { readonly spec: { readonly azure?: AzureSpec } }; readonly options: { readonly image?: ImageSpec } }, upstream: string): string =>
  ctx.options.image === undefined ? upstream : imageOf(ctx.platform.spec.azure, ctx.options.image);
