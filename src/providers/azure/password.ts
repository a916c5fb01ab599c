/**
 * Admin passwords for servers berth creates. Azure (PostgreSQL Flexible Server, Azure SQL) wants 8–128 characters from
 * at least three of upper case, lower case, digits and symbols; this gives 32 with all four. The symbols are the
 * URL-unreserved ones, so the password needs no escaping in a connection URI, a shell or a YAML file.
 */
import { randomInt } from "node:crypto";

const CLASSES = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "-_.~"] as const;

export function generatePassword(length = 32): string {
  if (length < 8 || length > 128) throw new RangeError("Azure admin passwords are 8 to 128 characters long");
  const all = CLASSES.join("");
  const chars = CLASSES.map((c) => c[randomInt(c.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  // Fisher–Yates, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  // Both services refuse a password starting with a symbol in some tools (`-` reads as an option): start with a letter.
  const first = chars.findIndex((c) => /[A-Za-z]/.test(c));
  [chars[0], chars[first]] = [chars[first]!, chars[0]!];
  return chars.join("");
}

const KINDS = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/];

/** Whether a password meets Azure's rules: 8–128 characters of at least three kinds. */
export const meetsAzureComplexity = (p: string): boolean => p.length >= 8 && p.length <= 128 && KINDS.filter((k) => k.test(p)).length >= 3;
