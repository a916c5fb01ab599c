/**
 * The values berth makes for vault secrets, by format (a table): letters and digits of a length, an Airflow/Fernet
 * key, or a password Azure's servers accept. Made in the provider, at the secret's step, once; never anywhere else.
 */
import { randomBytes, randomInt } from "node:crypto";
import { generatePassword } from "./password.ts";

export type SecretFormat = "alnum" | "fernet" | "password";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export const SECRET_FORMATS: Readonly<Record<SecretFormat, { readonly make: (length: number) => string; readonly contentType: string }>> = {
  alnum: { make: (length) => Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]!).join(""), contentType: "text/plain" },
  // What cryptography's Fernet.generate_key() gives: URL-safe base64 of 32 random bytes, padding kept (44 characters).
  fernet: { make: () => randomBytes(32).toString("base64").replace(/\+/g, "-").replace(/\//g, "_"), contentType: "fernet-key" },
  password: { make: (length) => generatePassword(length), contentType: "password" },
};

export function generateSecretValue(spec: { readonly length: number; readonly format?: SecretFormat }): string {
  return SECRET_FORMATS[spec.format ?? "alnum"].make(spec.length);
}
