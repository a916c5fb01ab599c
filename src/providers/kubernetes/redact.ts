/**
 * Secret values berth has seen in this process (generated, copied, or read to explain a failure), cut out of any
 * text it is about to show: a crashing container's log may print its own password.
 */
export class Redactor {
  readonly #values = new Set<string>();

  /** What a value becomes: `(masked)` for --set values, like the revision store writes them. */
  constructor(readonly replacement = "(redacted)") {}

  add(value: string): void {
    if (value.length >= 4) this.#values.add(value);
  }

  apply(text: string): string {
    let out = text;
    for (const v of this.#values) out = out.split(v).join(this.replacement);
    return out;
  }
}
