/** The exit-code contract: 0 ok · 1 failure while running · 2 bad input or failed checks. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;
