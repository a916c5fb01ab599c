/** A path into the spec document: map keys and list indexes. */
export type SpecPath = readonly (string | number)[];

export const pathKey = (path: SpecPath): string => JSON.stringify(path);

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.apps.qna.ports[0].port`; keys that are not plain identifiers are bracketed: `labels["app.kubernetes.io/name"]`. */
export function formatPath(path: SpecPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
