/**
 * Links the Kubernetes test server to the Azure test server the way an AKS cluster with workload identity is linked
 * to Entra: the webhook injects the Azure server's tenant and authority, projected tokens carry the OIDC issuer of
 * the AKS cluster the Azure server holds, and berth's check containers run for real trusting the server's certificate.
 */
import { CHECKER_IMAGE } from "../../src/spec/azure-schema.ts";
import type { AzureApiServer } from "./azure-api-server/types.ts";
import type { KubeApiServer } from "./kube-api-server/index.ts";

const AKS = "Microsoft.ContainerService/managedClusters";

/** The checker image without its tag and digest: any tag or digest of it is run. */
export const CHECKER_REPOSITORY = CHECKER_IMAGE.replace(/[:@].*$/, "");

/** The issuer of the (only) AKS cluster the Azure server holds, as ARM reports it. */
export const aksIssuer = (azure: AzureApiServer): string | undefined =>
  (azure.resources(AKS)[0]?.properties as { oidcIssuerProfile?: { issuerURL?: string } } | undefined)?.oidcIssuerProfile?.issuerURL;

export function linkWorkloadIdentity(kube: KubeApiServer, azure: AzureApiServer, options: { issuer?: () => string | undefined } = {}): void {
  kube.updateScenario({
    workloadIdentity: { webhook: { tenantId: azure.tenantId, authorityHost: `${azure.authorityHost}/` }, issuer: options.issuer ?? (() => aksIssuer(azure)) },
    containerRunner: { images: [CHECKER_REPOSITORY], env: { NODE_EXTRA_CA_CERTS: azure.caPath } },
  });
}
