/** Amounts as `berth cost` prints them: dollars with thousands separators; a range as low–high. */
import type { Range } from "./meters.ts";

const SYMBOLS: Readonly<Record<string, string>> = { USD: "$", EUR: "€", GBP: "£" };

export const symbolOf = (currency: string): string => SYMBOLS[currency] ?? `${currency} `;

const grouped = (cents: number): string => {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}${whole}.${String(abs % 100).padStart(2, "0")}`;
};

/** `$1,234.56`, or `$167.90–335.80` for a range. */
export function money(amount: Range, currency: string, signed = false): string {
  const sym = symbolOf(currency);
  const plus = (c: number) => (signed && c > 0 ? "+" : "");
  const one = (c: number) => (c < 0 ? `-${sym}${grouped(-c)}` : `${plus(c)}${sym}${grouped(c)}`);
  if (amount.low === amount.high) return one(amount.low);
  // A range whose ends have different signs shows both signed; otherwise the sign and symbol once.
  if (signed && Math.sign(amount.low) !== Math.sign(amount.high)) return `${one(amount.low)} to ${one(amount.high)}`;
  return `${one(amount.low)}–${grouped(Math.abs(amount.high))}`;
}

/** A unit price: at least two decimals, up to four, so $0.23 and $0.0190 both read as prices. */
export function unitPrice(price: number, currency: string): string {
  const fixed = price.toFixed(4).replace(/(\.\d\d\d?)0+$/, "$1").replace(/(\.\d\d)0$/, "$1");
  return `${symbolOf(currency)}${fixed}`;
}

/** Whole cents as a JSON number of dollars. */
export const dollars = (cents: number): number => cents / 100;
