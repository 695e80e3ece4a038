/**
 * Argument checks shared by the public API. Every message names the option and what it accepts.
 * @internal
 */
import { rangeError, typeError } from './errors';

/** Rejects anything that is not a plain object, and keys the caller does not know. */
export function checkObject(value: unknown, what: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw typeError(`${what} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw typeError(`${what}: unknown option '${key}' (accepted: ${allowed.join(', ')})`, 'ERR_UNKNOWN_OPTION');
    }
  }
  return value as Record<string, unknown>;
}

/** A finite number in [min, max]; `-Infinity` too when allowMinusInfinity. */
export function checkNumber(
  value: unknown,
  name: string,
  min: number,
  max: number,
  opts: { integer?: boolean; allowMinusInfinity?: boolean; exclusiveMin?: boolean; exclusiveMax?: boolean } = {},
): number {
  if (typeof value !== 'number') throw typeError(`${name} must be a number, got ${describe(value)}`);
  if (opts.allowMinusInfinity && value === -Infinity) return value;
  const kind = opts.integer ? 'an integer' : 'a number';
  const lo = opts.exclusiveMin ? `greater than ${min}` : `from ${min}`;
  const hi = opts.exclusiveMin
    ? `and ${opts.exclusiveMax ? 'below' : 'at most'} ${max}`
    : `${opts.exclusiveMax ? 'to below' : 'to'} ${max}`;
  const range = `${name} must be ${kind} ${lo} ${hi}${opts.allowMinusInfinity ? ' (or -Infinity)' : ''}, got ${value}`;
  if (!Number.isFinite(value)) throw rangeError(range);
  if (opts.integer && !Number.isInteger(value)) throw rangeError(range);
  if (opts.exclusiveMin ? value <= min : value < min) throw rangeError(range);
  if (opts.exclusiveMax ? value >= max : value > max) throw rangeError(range);
  return value;
}

export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw typeError(`${name} must be a boolean, got ${describe(value)}`);
  return value;
}

export function checkString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw typeError(`${name} must be a string, got ${describe(value)}`);
  return value;
}

export function checkOneOf<T extends string | number>(value: unknown, name: string, options: readonly T[]): T {
  if (!options.includes(value as T)) {
    const list = options.map((o) => (typeof o === 'string' ? `'${o}'` : String(o))).join(', ');
    if (typeof value !== typeof options[0]) throw typeError(`${name} must be one of ${list}, got ${describe(value)}`);
    throw rangeError(`${name} must be one of ${list}, got ${describe(value)}`);
  }
  return value as T;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  return `a ${typeof value}`;
}
