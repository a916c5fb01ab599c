/**
 * Plain-object helpers that treat every key as data: `__proto__`, `constructor` and friends become ordinary own
 * properties (so the schema reports them as unknown fields) instead of reaching Object.prototype.
 */
export const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

export const hasOwn = (target: object, key: string): boolean => Object.prototype.hasOwnProperty.call(target, key);
