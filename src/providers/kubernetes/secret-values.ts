/** Values for generated secrets: random, of the length and form the consumer needs. Only ever sent to the API server. */
import { randomBytes, randomInt } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const FORMATS: Readonly<Record<string, () => string>> = {
  /** Airflow's Fernet key: URL-safe base64 of 32 random bytes. */
  fernet: () => randomBytes(32).toString("base64url") + "=",
};

export function generateValue(length: number, format?: string): string {
  const special = format ? FORMATS[format] : undefined;
  if (special) return special();
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}
