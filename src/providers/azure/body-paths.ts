/** Dotted paths into ARM bodies (`properties.administratorLoginPassword`), as the type tables and outputs name fields. */
type Obj = Record<string, unknown>;

export function getPath(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const part of path.split(".")) {
    if (!at || typeof at !== "object") return undefined;
    at = (at as Obj)[part];
  }
  return at;
}

/** A copy of `value` with `path` set, objects on the way created. */
export function withPath<T extends Obj>(value: T, path: string, set: unknown): T {
  const [head, ...rest] = path.split(".");
  const inner = (value[head!] && typeof value[head!] === "object" ? value[head!] : {}) as Obj;
  return { ...value, [head!]: rest.length ? withPath(inner, rest.join("."), set) : set } as T;
}

/** A copy of `value` without `path`. */
export function withoutPath<T extends Obj>(value: T, path: string): T {
  const [head, ...rest] = path.split(".");
  if (!(head! in value)) return value;
  if (!rest.length) {
    const { [head!]: _gone, ...others } = value;
    return others as T;
  }
  const inner = value[head!];
  return inner && typeof inner === "object" && !Array.isArray(inner) ? ({ ...value, [head!]: withoutPath(inner as Obj, rest.join(".")) } as T) : value;
}
