import type { DeviceErrorEvent } from './types';

/**
 * Stable error codes carried by {@link RingmixError}. Switch on `err.code`, never on messages.
 */
export type RingmixErrorCode =
  | 'ERR_CLOSED'
  | 'ERR_DEVICE'
  | 'ERR_DEVICE_NOT_FOUND'
  | 'ERR_INPUT_REMOVED'
  | 'ERR_INTERNAL'
  | 'ERR_NATIVE_LOAD'
  | 'ERR_NO_AUDIO_BACKEND'
  | 'ERR_NO_LIMITER'
  | 'ERR_OUT_OF_MEMORY'
  | 'ERR_QUEUE_FULL'
  | 'ERR_RECORDING'
  | 'ERR_STREAM'
  | 'ERR_STREAM_AUTH'
  | 'ERR_STREAM_URL'
  | 'ERR_SYSTEM'
  | 'ERR_TOO_MANY_INPUTS'
  | 'ERR_WRONG_CLOCK';

/**
 * A state or environment error from ringmix. (Wrong argument types throw `TypeError` and
 * out-of-range values `RangeError`; both carry a `code` too, see {@link ArgumentErrorCode}.)
 */
export class RingmixError extends Error {
  /** Stable machine-readable code. */
  readonly code: RingmixErrorCode;

  constructor(code: RingmixErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RingmixError';
    this.code = code;
  }
}

/**
 * A device stream that failed while the mixer ran (it stopped, disappeared, or delivered nothing
 * for 3 s): the payload of the mixer's `'deviceError'` event. Code `ERR_DEVICE`.
 */
export class DeviceError extends RingmixError implements DeviceErrorEvent {
  declare readonly code: 'ERR_DEVICE';
  /** Which stream: the clock's output device, an input, or an extra output. */
  readonly kind: 'clock' | 'input' | 'output';
  /** Input or output id (0 for the clock). */
  readonly id: number;
  /** The device's name. */
  readonly device: string;

  /** @internal */
  constructor(kind: 'clock' | 'input' | 'output', id: number, device: string, message: string) {
    super('ERR_DEVICE', message);
    this.name = 'DeviceError';
    this.kind = kind;
    this.id = id;
    this.device = device;
  }
}

/** Codes on the `TypeError`s and `RangeError`s thrown for bad arguments. */
export type ArgumentErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE' | 'ERR_UNKNOWN_OPTION';

/** A `TypeError` or `RangeError` carrying a stable `code`. */
export type ArgumentError = (TypeError | RangeError) & { code: ArgumentErrorCode };

/** @internal */
export function typeError(
  message: string,
  code: ArgumentErrorCode = 'ERR_INVALID_ARG_TYPE',
  options?: { cause?: unknown },
): ArgumentError {
  return Object.assign(new TypeError(message, options), { code });
}

/** @internal */
export function rangeError(message: string): ArgumentError {
  return Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' as const });
}

/**
 * Native errors carry a `code` (set by the addon) but come from Node's own realm; rethrow state
 * errors as RingmixError so `instanceof` works for callers.
 * @internal
 */
export function fromNative(err: unknown): unknown {
  let code: unknown;
  let message = '';
  try {
    code = (err as { code?: unknown } | null)?.code;
    message = (err as Error).message;
  } catch {
    return err;  // not one of ours: a user's throwing getter or Proxy, rethrown as it is
  }
  if (typeof code === 'string' && NATIVE_STATE_CODES.has(code)) {
    return new RingmixError(code as RingmixErrorCode, message, { cause: err });
  }
  return err;
}

/** Codes the addon puts on state errors (its TypeErrors and RangeErrors stay as they are). */
const NATIVE_STATE_CODES: ReadonlySet<string> = new Set<RingmixErrorCode>([
  'ERR_CLOSED',
  'ERR_DEVICE',
  'ERR_DEVICE_NOT_FOUND',
  'ERR_INTERNAL',
  'ERR_NO_AUDIO_BACKEND',
  'ERR_OUT_OF_MEMORY',
  'ERR_QUEUE_FULL',
  'ERR_SYSTEM',
  'ERR_TOO_MANY_INPUTS',
  'ERR_WRONG_CLOCK',
]);

/**
 * Runs a call into the addon, rethrowing its state errors as RingmixError (see fromNative).
 * @internal
 */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromNative(err);
  }
}

/**
 * callNative for an addon call that returns a promise: its rejection is converted the same way.
 * @internal
 */
export async function callNativeAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fromNative(err);
  }
}

/**
 * Any failure as a coded RingmixError: for reports made outside a caller's stack (the mixer's
 * polling timer), where an uncoded error would tell the listener nothing it can switch on.
 * @internal
 */
export function asRingmixError(err: unknown, what: string): RingmixError {
  const converted = fromNative(err);
  if (converted instanceof RingmixError) return converted;
  let detail = 'an unknown failure';
  try {
    detail = converted instanceof Error ? converted.message : String(converted);
  } catch {
    // A value that cannot be printed still gets reported, under the generic text.
  }
  return new RingmixError('ERR_INTERNAL', `${what}: ${detail}`, { cause: converted });
}
