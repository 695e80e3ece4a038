/** Prototype pollution for tests, always undone. */

/**
 * Runs `fn` with `props` defined on `proto` (Object.prototype by default), deleting them
 * afterwards whatever happens. Refuses to shadow a property that is already there.
 */
export function withPollutedPrototype<T>(props: Record<string | number, unknown>, fn: () => T, proto: object = Object.prototype): T {
  const keys = Object.keys(props);
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(proto, key)) throw new Error(`the prototype already has '${key}'`);
  }
  try {
    for (const key of keys) {
      Object.defineProperty(proto, key, { value: props[key], configurable: true, writable: true, enumerable: true });
    }
    return fn();
  } finally {
    for (const key of keys) delete (proto as Record<string, unknown>)[key];
  }
}
