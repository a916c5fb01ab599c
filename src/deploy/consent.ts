/** A person's (or a flag's) answer to "go ahead?", and why not: they said no, or nobody could be asked. */
export type Consent =
  | { readonly go: true }
  | {
      readonly go: false;
      /** declined: asked and not given · refused: could not ask (no terminal) and no --yes. */
      readonly status: "declined" | "refused";
      readonly message: string;
    };

export const GO: Consent = { go: true };
