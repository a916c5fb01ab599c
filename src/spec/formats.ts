/**
 * Value formats the spec accepts, as pure functions returning a problem (message + hint) or undefined.
 * They mirror the Kubernetes API's own validation so bad values are caught before anything is rendered.
 */
export interface FormatProblem {
  readonly message: string;
  readonly hint?: string;
}
export type FormatCheck = (value: string) => FormatProblem | undefined;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label: names of apps, namespaces, config maps, volumes. */
export const dnsLabel: FormatCheck = (v) => {
  if (v.length > 63) return { message: `must be no more than 63 characters (got ${v.length})`, hint: "shorten the name" };
  if (!DNS_LABEL.test(v))
    return {
      message: `"${v}" is not a valid RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
      hint: `try "${suggestLabel(v)}"`,
    };
  return undefined;
};

/** RFC 1123 subdomain: object names such as Secrets and ConfigMaps. */
export const dnsSubdomain: FormatCheck = (v) => {
  if (v.length > 253) return { message: `must be no more than 253 characters (got ${v.length})` };
  if (!v.split(".").every((part) => DNS_LABEL.test(part)))
    return {
      message: `"${v}" is not a valid RFC 1123 subdomain: lower-case letters, digits, '-' and '.'`,
      hint: `try "${suggestLabel(v)}"`,
    };
  return undefined;
};

export const suggestLabel = (v: string): string =>
  v
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "name";

/** Helm release names are limited to 53 characters; the platform name becomes the release name. */
export const releaseName: FormatCheck = (v) =>
  v.length > 53
    ? { message: `must be no more than 53 characters (got ${v.length}); it is used as the Helm release name`, hint: "shorten metadata.name" }
    : dnsLabel(v);

/** IANA service name, what Kubernetes requires of port names. */
export const portName: FormatCheck = (v) => {
  if (v.length > 15) return { message: `port name "${v}" must be no more than 15 characters` };
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(v) || v.includes("--") || !/[a-z]/.test(v))
    return { message: `port name "${v}" must be lower-case letters, digits and single '-', with at least one letter`, hint: `e.g. "http" or "metrics"` };
  return undefined;
};

/** Environment variable names exactly as the app reads them (Kubernetes accepts any printable name without '='). */
export const envName: FormatCheck = (v) =>
  /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(v)
    ? undefined
    : { message: `"${v}" is not a valid environment variable name`, hint: "letters, digits, '_', '-' and '.', not starting with a digit" };

/** Keys of ConfigMap and Secret data. */
export const dataKey: FormatCheck = (v) =>
  /^[-._a-zA-Z0-9]+$/.test(v) && v.length <= 253
    ? undefined
    : { message: `"${v}" is not a valid data key`, hint: "letters, digits, '-', '_' and '.'" };

const LABEL_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
export const labelKey: FormatCheck = (v) => {
  const slash = v.lastIndexOf("/");
  const prefix = slash >= 0 ? v.slice(0, slash) : undefined;
  const name = slash >= 0 ? v.slice(slash + 1) : v;
  if (prefix !== undefined && dnsSubdomain(prefix)) return { message: `key prefix "${prefix}" must be a DNS subdomain` };
  if (name.length > 63 || !LABEL_NAME_PART.test(name))
    return { message: `key "${v}" must be at most 63 characters of letters, digits, '-', '_' and '.' (optionally after a DNS prefix and '/')` };
  return undefined;
};
export const labelValue: FormatCheck = (v) => {
  if (v.length > 63) return { message: `label value must be no more than 63 characters (got ${v.length})` };
  if (v !== "" && !LABEL_NAME_PART.test(v))
    return { message: `label value "${v}" must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit` };
  return undefined;
};

// ---- quantities ---------------------------------------------------------------------------------------------

const DECIMAL = "([0-9]+(\\.[0-9]*)?|\\.[0-9]+)";
const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = new RegExp(`^${DECIMAL}(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$`);

/** Parses a Kubernetes quantity to a plain number (bytes or cores); undefined when malformed. */
export function parseQuantity(v: string): number | undefined {
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  const suffix = m[3] ?? "";
  const base = Number(m[1]);
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  return base * (BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix] ?? NaN);
}

function binaryHint(v: string): string | undefined {
  const m = /^\s*([0-9.]+)\s*([a-zA-Z]*)\s*$/.exec(v);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase().replace(/b$/, "").replace(/i$/, "");
  const map: Record<string, string> = { k: "Ki", m: "Mi", g: "Gi", t: "Ti", p: "Pi", "": "Mi" };
  const s = map[unit];
  return s ? `${m[1]}${s}` : undefined;
}

export const memoryQuantity: FormatCheck = (v) => {
  const hinted = binaryHint(v);
  if (/^[0-9.]+m$/.test(v))
    return { message: `"${v}" means milli-bytes`, hint: `did you mean "${v.slice(0, -1)}Mi"?` };
  const n = parseQuantity(v);
  if (n === undefined)
    return { message: `"${v}" is not a valid quantity: expected a number with an optional unit such as Mi or Gi`, hint: hinted ? `did you mean "${hinted}"?` : `e.g. "512Mi" or "2Gi"` };
  if (n <= 0) return { message: `"${v}" must be greater than zero` };
  if (n < 1024 * 1024) return { message: `"${v}" is less than 1Mi, almost certainly a unit mistake`, hint: hinted ? `did you mean "${hinted}"?` : `e.g. "512Mi"` };
  return undefined;
};

export const cpuQuantity: FormatCheck = (v) => {
  const n = parseQuantity(v);
  if (n === undefined) return { message: `"${v}" is not a valid CPU quantity`, hint: `use cores ("0.5", "2") or millicores ("500m")` };
  if (n <= 0) return { message: `CPU "${v}" must be greater than zero` };
  if (n < 0.001) return { message: `CPU "${v}" is below the 1m precision Kubernetes keeps` };
  return undefined;
};

export const storageQuantity: FormatCheck = (v) => {
  const problem = memoryQuantity(v);
  return problem ? { ...problem, hint: problem.hint ?? `e.g. "10Gi"` } : undefined;
};

// ---- images ----------------------------------------------------------------------------------------------------

const IMAGE = /^(?<name>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

export interface ImageRef {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * A registry named by reference is an output token (src/resources/outputs.ts) until the registry exists; it stands
 * for a host, so the rest of the reference is checked as if it were one.
 */
const LEADING_OUTPUT_TOKEN = /^\(\(berth\.output [^\s()]+ [A-Za-z0-9_.-]+\)\)(?=\/)/;

export function parseImage(v: string): ImageRef | undefined {
  const m = IMAGE.exec(v.replace(LEADING_OUTPUT_TOKEN, "registry.invalid"));
  if (!m?.groups) return undefined;
  return { name: m.groups.name!, tag: m.groups.tag, digest: m.groups.digest };
}

/** Images must say which build they run: a tag other than `latest`, or a digest. */
export const pinnedImage: FormatCheck = (v) => {
  const ref = parseImage(v);
  if (!ref) return { message: `"${v}" is not a valid image reference`, hint: `e.g. "ghcr.io/acme/qna:1.4.2" or "…@sha256:<64 hex>"` };
  if (!ref.tag && !ref.digest) return { message: `image "${v}" has no tag`, hint: `pin a version, e.g. "${v}:1.0.0", or a digest "@sha256:…"` };
  if (ref.tag === "latest" && !ref.digest) return { message: `image "${v}" uses the tag "latest", which changes under you`, hint: "pin a version tag or a digest" };
  return undefined;
};

/** The version an image runs, for the `version` label: the tag, else the digest's first 12 hex digits. */
export const imageVersion = (v: string): string => {
  const ref = parseImage(v);
  const version = ref?.tag ?? ref?.digest?.slice("sha256:".length, "sha256:".length + 12) ?? "unknown";
  return version.slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "") || "unknown";
};

/** Env names that hold credentials by convention (Polaris sensitiveContainerEnvVar, kube-linter env-var-secret). */
export const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

export const guid: FormatCheck = (v) =>
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v)
    ? undefined
    : { message: `"${v}" is not a GUID`, hint: "copy the clientId of the managed identity (az identity show --query clientId)" };

/** Azure Key Vault names: 3–24 characters, letters, digits and hyphens, starting with a letter, no double hyphen. */
export const keyVaultName: FormatCheck = (v) =>
  /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(v) && !v.includes("--")
    ? undefined
    : { message: `"${v}" is not a valid Key Vault name: 3–24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no "--"` };

export const keyVaultSecretName: FormatCheck = (v) =>
  /^[0-9a-zA-Z-]{1,127}$/.test(v) ? undefined : { message: `"${v}" is not a valid Key Vault secret name: 1–127 letters, digits and hyphens` };

export const urlPath: FormatCheck = (v) =>
  v.startsWith("/") && !/\s/.test(v) ? undefined : { message: `"${v}" must be an absolute URL path`, hint: `e.g. "/health"` };

export const absolutePath: FormatCheck = (v) =>
  v.startsWith("/") && v !== "/" && !v.includes("..") && !/\s/.test(v) && !v.endsWith("/")
    ? undefined
    : { message: `"${v}" must be an absolute path below / without ".." or a trailing "/"` };

export const hostname: FormatCheck = (v) => {
  const h = v.startsWith("*.") ? v.slice(2) : v;
  return h.split(".").every((p) => DNS_LABEL.test(p)) && h.includes(".") && v.length <= 253
    ? undefined
    : { message: `"${v}" is not a valid DNS host name`, hint: `e.g. "qna.example.com" or "*.azuredatabricks.net"` };
};

export const cidr: FormatCheck = (v) => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  if (m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32) return undefined;
  return { message: `"${v}" is not an IPv4 CIDR`, hint: `e.g. "10.0.0.0/16"` };
};

export const promDuration: FormatCheck = (v) =>
  /^([0-9]+(ms|s|m|h|d|w|y))+$/.test(v) ? undefined : { message: `"${v}" is not a Prometheus duration`, hint: `e.g. "30s", "5m"` };

export const kubernetesVersion: FormatCheck = (v) =>
  /^1\.[0-9]{1,2}$/.test(v) ? undefined : { message: `"${v}" is not a Kubernetes minor version`, hint: `e.g. "1.31"` };

// ---- Azure Storage (state.azureBlob) ----------------------------------------------------------------------------

/** Storage account names: 3–24 lower-case letters and digits, globally unique (they are part of the endpoint's host). */
export const storageAccountName: FormatCheck = (v) =>
  /^[a-z0-9]{3,24}$/.test(v)
    ? undefined
    : { message: `"${v}" is not a storage account name: 3–24 lower-case letters and digits`, hint: v.length >= 3 ? `try "${v.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24)}"` : "az storage account list --query [].name" };

/** Blob container names: 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit. */
export const blobContainerName: FormatCheck = (v) =>
  /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(v)
    ? undefined
    : { message: `"${v}" is not a blob container name: 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit`, hint: `e.g. "berth-state"` };

/** A folder inside the container: segments of letters, digits, '.', '_' and '-', separated by '/', no '..' segment. */
export const blobPrefix: FormatCheck = (v) =>
  v.length <= 200 && v.split("/").every((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== "." && s !== "..")
    ? undefined
    : { message: `"${v}" is not a blob folder: segments of letters, digits, '.', '_' and '-' separated by '/', without a leading or trailing '/'`, hint: `e.g. "platforms/shop"` };

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * The Blob service endpoint of the state (Azurite, a sovereign cloud, a private endpoint's name): https, or http only on
 * this machine (Azurite). Never a query string: a SAS token there would be a credential written into the spec.
 */
export const blobEndpoint: FormatCheck = (v) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return { message: `"${v}" is not a URL`, hint: "e.g. https://mystate.blob.core.windows.net or, for Azurite, http://127.0.0.1:10000/devstoreaccount1" };
  }
  if (url.search || url.hash || url.username || url.password)
    return { message: "the endpoint must not carry a query, fragment or user: a SAS token or key in the spec would be a credential in the repository", hint: "give the credential in AZURE_STORAGE_CONNECTION_STRING instead (see docs/state.md)" };
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && LOOPBACK.test(url.hostname)) return undefined;
  return { message: `"${v}" must be an https:// URL (http:// only on this machine, for Azurite)`, hint: "e.g. https://mystate.blob.core.windows.net" };
};
