/**
 * File-system errors the user caused and can fix (a path that is a file where a folder is needed, no permission, a
 * read-only disk), told as bad input: the path, what is wrong, what to do. Anything else stays an internal error.
 * `givenPathOnly`: the error is the user's only about a path they gave; a missing file berth itself ships (an
 * example, a schema) is berth's fault, so without the user's path it stays an internal error.
 */
const USER_CAUSED: Readonly<Record<string, { readonly problem: string; readonly hint: string; readonly givenPathOnly?: true }>> = {
  EEXIST: { problem: "exists and is not a folder", hint: "--out and --state-dir name a folder: choose another path or move the file away" },
  ENOTDIR: { problem: "a part of this path is a file, not a folder", hint: "choose a path whose parents are folders" },
  EISDIR: { problem: "is a folder where a file was expected", hint: "name a file, not a folder" },
  EACCES: { problem: "permission denied", hint: "choose a path you may write to, or change its permissions" },
  EPERM: { problem: "operation not permitted", hint: "choose a path you may write to, or change its permissions" },
  EROFS: { problem: "is on a read-only file system", hint: "choose a path on a writable disk" },
  ENOENT: { problem: "does not exist", hint: "check the path", givenPathOnly: true },
  ENAMETOOLONG: { problem: "the path is too long", hint: "choose a shorter path" },
};

export class UserFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/**
 * A Node fs error of the kinds above as a UserFileError, naming `path` (the user's own, when the caller knows the
 * operation was on it) rather than an inner file.
 */
export function userFileError(error: unknown, path?: string): UserFileError | undefined {
  if (error instanceof UserFileError) return error;
  const e = error as NodeJS.ErrnoException | undefined;
  const known = e?.code ? USER_CAUSED[e.code] : undefined;
  if (!known || typeof e?.path !== "string" || !e.syscall) return undefined;
  if (known.givenPathOnly && path === undefined) return undefined;
  return new UserFileError(path ?? e.path, known.problem, known.hint);
}
