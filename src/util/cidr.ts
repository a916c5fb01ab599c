/** IPv4 ranges as numbers, for the overlap and containment checks of Azure address plans. */
export interface Range {
  readonly first: number;
  readonly last: number;
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** The range of a CIDR; undefined when it is not one. Host bits are ignored, as Azure does after warning. */
export function rangeOf(cidr: string): Range | undefined {
  const [ip, bits] = cidr.split("/");
  const base = parseIpv4(ip ?? "");
  const prefix = Number(bits);
  if (base === undefined || !/^\d{1,2}$/.test(bits ?? "") || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(base / size) * size;
  return { first, last: first + size - 1 };
}

export const overlaps = (a: Range, b: Range): boolean => a.first <= b.last && b.first <= a.last;
export const contains = (outer: Range, inner: Range): boolean => outer.first <= inner.first && inner.last <= outer.last;
