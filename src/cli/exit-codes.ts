/**
 * The exit-code contract: 0 ok · 1 failure while running · 2 bad input or failed checks · 3 `plan`: changes
 * pending · 130/143 interrupted by SIGINT/SIGTERM (the journal says where; `berth up` resumes).
 */
export const EXIT = { ok: 0, failure: 1, badInput: 2, changesPending: 3, sigint: 130, sigterm: 143 } as const;
