/**
 * Argument checks shared by the public API. Every message names the option and what it accepts,
 * and every failure is a coded TypeError or RangeError, whatever the value does when touched
 * (Proxies, throwing getters, revoked Proxies, look-alike typed arrays).
 * @internal
 */
import { types } from 'node:util';
import { rangeError, typeError } from './errors';

/** The validated own options of an object: a null-prototype copy, each key read once. */
export type Options<K extends string> = { readonly [P in K]?: unknown };

/**
 * Runs `fn`, which touches a caller's value (a Proxy trap or getter may run), turning whatever it
 * throws into a coded TypeError with the original as `cause`.
 */
function touch<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    throw typeError(`${what} could not be read: reading it threw (see the error's cause)`, 'ERR_INVALID_ARG_TYPE', {
      cause,
    });
  }
}

/**
 * Accepts only a plain object (its prototype is `Object.prototype` of any realm, or null) whose own
 * enumerable keys are all in `allowed`, and returns a null-prototype copy of the allowed own keys.
 * Inherited properties are never read, so a polluted `Object.prototype` cannot supply options;
 * each key is read exactly once, so a getter or Proxy cannot change a value after it was checked.
 */
export function checkObject<const K extends string>(value: unknown, what: string, allowed: readonly K[]): Options<K> {
  if (typeof value !== 'object' || value === null) throw typeError(`${what} must be an object, got ${describe(value)}`);
  const obj = value;
  const plain = touch(what, () => {
    if (Array.isArray(obj)) return false;
    const proto: unknown = Object.getPrototypeOf(obj);
    return proto === null || Object.getPrototypeOf(proto) === null;
  });
  if (!plain) throw typeError(`${what} must be a plain object ({ ... }), got ${describe(value)}`);
  const keys = touch(what, () => Reflect.ownKeys(obj));
  for (const key of keys) {
    if (typeof key === 'string' && (allowed as readonly string[]).includes(key)) continue;
    // A non-enumerable own property was hidden on purpose: not an option, unless it is a known one.
    if (!touch(what, () => Object.prototype.propertyIsEnumerable.call(obj, key))) continue;
    const name = typeof key === 'symbol' ? key.toString() : `'${key}'`;
    throw typeError(`${what}: unknown option ${name} (accepted: ${allowed.join(', ')})`, 'ERR_UNKNOWN_OPTION');
  }
  const copy = Object.create(null) as Record<K, unknown>;
  for (const key of allowed) {
    if (keys.includes(key)) copy[key] = touch(`${what}.${key}`, () => (obj as Record<string, unknown>)[key]);
  }
  return copy;
}

/**
 * An array of `minLength`–`maxLength` elements, copied: the length and each own element read once
 * (holes read as undefined, never from a polluted prototype).
 */
export function checkArray(value: unknown, name: string, minLength: number, maxLength: number): unknown[] {
  if (!touch(name, () => Array.isArray(value))) throw typeError(`${name} must be an array, got ${describe(value)}`);
  const array = value as unknown[];
  const length = touch(`${name}.length`, () => array.length);
  if (typeof length !== 'number' || !Number.isInteger(length) || length < minLength || length > maxLength) {
    const count = minLength === maxLength ? `${minLength}` : `${minLength} to ${maxLength}`;
    throw rangeError(`${name} takes ${count} element(s), got ${describe(length)}`);
  }
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) {
    copy.push(touch(`${name}[${i}]`, () => (Object.prototype.hasOwnProperty.call(array, i) ? array[i] : undefined)));
  }
  return copy;
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

// The typed-array accessors themselves, so that a `length` or `buffer` shadowed on an instance
// cannot make the checks below see a different array than the addon does (it reads the slots).
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const slotLength = Object.getOwnPropertyDescriptor(typedArrayPrototype, 'length')!.get as (this: unknown) => number;
const slotBuffer = Object.getOwnPropertyDescriptor(typedArrayPrototype, 'buffer')!.get as (
  this: unknown,
) => ArrayBufferLike;
const slotTag = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag)!.get as (this: unknown) => string;

/**
 * A real Float32Array (checked by its internal slot: look-alikes built on its prototype, and
 * Proxies, are refused) whose buffer is not detached; returns it with its length in samples.
 */
export function checkFloat32Array(value: unknown, name: string): { array: Float32Array; length: number } {
  if (!types.isFloat32Array(value)) throw typeError(`${name} must be a Float32Array, got ${describe(value)}`);
  const length = slotLength.call(value);
  if (length === 0 && isDetached(slotBuffer.call(value))) {
    throw typeError(`${name}'s ArrayBuffer is detached (it was transferred)`);
  }
  return { array: value, length };
}

function isDetached(buffer: ArrayBufferLike): boolean {
  try {
    new Uint8Array(buffer, 0, 0); // throws only on a detached buffer
    return false;
  } catch {
    return true;
  }
}

/** A short, safe description of any value for messages (never throws, never runs user code). */
function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `'${value.slice(0, 40)}…' (${value.length} characters)` : `'${value}'`;
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (types.isProxy(value)) return 'a Proxy';
      if (Array.isArray(value)) return 'an array';
      if (types.isTypedArray(value)) return `a ${slotTag.call(value)}`;
      if (types.isDataView(value)) return 'a DataView';
      if (types.isAnyArrayBuffer(value)) return 'an ArrayBuffer';
      return 'an object';
  }
}
