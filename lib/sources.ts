/**
 * An input's `source` option, validated and turned into the addon's input spec.
 * @internal
 */
import { checkSelector, resolveDevice, type DeviceInfo } from './devices';
import { RingmixError, rangeError, typeError } from './errors';
import { nativeRecord, type NativeInputSpec } from './native';
import { checkArray, checkNumber, checkObject, checkOneOf, type Options } from './validate';

/** The channel-strip settings an input starts with (already validated). */
export interface StripInit {
  gainDb: number;
  pan: number;
  muted: boolean;
  solo: boolean;
}

/** What a source needs to know about its mixer. */
export interface SourceContext {
  sampleRate: number;
  clock: 'virtual' | 'simulated' | 'device';
}

/** A validated source. */
export interface InputSource {
  /** The spec for the addon: a null-prototype object built from validated values only. */
  spec: NativeInputSpec;
  /** Channels of a push source; null for other sources. */
  pushChannels: 1 | 2 | null;
  /** The capture device of a device source. */
  device: DeviceInfo | null;
}

const KINDS = ['generator', 'push', 'device'] as const;
const KEYS = {
  generator: ['generator', 'frequency', 'levelDb', 'intervalMs', 'clockPpm'],
  push: ['push'],
  device: ['device', 'channels'],
} as const;
const ALL_KEYS = [...KEYS.generator, ...KEYS.push, ...KEYS.device];

/** Validates `source` (one of `{ generator }`, `{ push }`, `{ device }`) for a new input. */
export function resolveSource(source: unknown, strip: StripInit, ctx: SourceContext): InputSource {
  if (typeof source !== 'object' || source === null) {
    throw typeError('source must be an object: { generator }, { device } or { push }');
  }
  const s = checkObject(source, 'source', ALL_KEYS);
  const kinds = KINDS.filter((k) => s[k] !== undefined);
  if (kinds.length !== 1) {
    throw typeError(
      kinds.length === 0
        ? 'source must have one of: generator, device, push'
        : `source must have only one of generator, device, push; got ${kinds.join(' and ')}`,
    );
  }
  const kind = kinds[0]!;
  const allowed: readonly string[] = KEYS[kind];
  for (const key of ALL_KEYS) {
    if (s[key] !== undefined && !allowed.includes(key)) {
      throw typeError(`source: unknown option '${key}' for a ${kind} source (accepted: ${allowed.join(', ')})`, 'ERR_UNKNOWN_OPTION');
    }
  }
  if (kind === 'generator') return generator(s, strip, ctx);
  if (kind === 'push') return push(s.push, strip, ctx);
  return device(s, strip, ctx);
}

function generator(s: Options<(typeof ALL_KEYS)[number]>, strip: StripInit, ctx: SourceContext): InputSource {
  const nyquist = ctx.sampleRate / 2;
  const spec = nativeRecord({
    ...strip,
    kind: 'generator' as const,
    generator: checkOneOf(s.generator, 'source.generator', ['sine', 'noise', 'silence', 'impulses'] as const),
    frequency:
      s.frequency === undefined
        ? 440
        : checkNumber(s.frequency, 'source.frequency', 0, nyquist, { exclusiveMin: true, exclusiveMax: true }),
    levelDb: s.levelDb === undefined ? -18 : checkNumber(s.levelDb, 'source.levelDb', -144, 0),
    intervalMs: s.intervalMs === undefined ? 1000 : checkNumber(s.intervalMs, 'source.intervalMs', 1, 60000),
    clockPpm: s.clockPpm === undefined ? 0 : checkNumber(s.clockPpm, 'source.clockPpm', -100000, 100000),
  });
  return { spec, pushChannels: null, device: null };
}

function push(value: unknown, strip: StripInit, ctx: SourceContext): InputSource {
  const p = checkObject(value, 'source.push', ['channels', 'sampleRate']);
  const channels = checkOneOf(p.channels, 'source.push.channels', [1, 2] as const);
  if (p.sampleRate !== undefined) {
    const rate = checkNumber(p.sampleRate, 'source.push.sampleRate', 8000, 192000, { integer: true });
    if (rate !== ctx.sampleRate) {
      throw rangeError(
        `source.push.sampleRate must equal the mixer's sampleRate (${ctx.sampleRate}); got ${rate}. ` +
          'Resample before writing.',
      );
    }
  }
  return { spec: nativeRecord({ ...strip, kind: 'push' as const, channels }), pushChannels: channels, device: null };
}

function device(s: Options<(typeof ALL_KEYS)[number]>, strip: StripInit, ctx: SourceContext): InputSource {
  // Every argument is checked before any device is looked up (that may rescan the system).
  const selector = checkSelector(s.device, 'source.device');
  const wanted =
    s.channels === undefined
      ? undefined
      : checkArray(s.channels, 'source.channels', 1, 2).map((c, i) =>
          checkNumber(c, `source.channels[${i}]`, 0, Number.MAX_SAFE_INTEGER, { integer: true }),
        );
  if (ctx.clock === 'simulated') {
    throw new RingmixError('ERR_WRONG_CLOCK', "device inputs need a real-time clock; this mixer's clock is 'simulated'");
  }
  const info = resolveDevice(selector, 'input');
  const channels = wanted ?? (info.maxInputChannels >= 2 ? [0, 1] : [0]);
  channels.forEach((c, i) => {
    if (c >= info.maxInputChannels) {
      throw rangeError(
        `source.channels[${i}] must be a channel of '${info.name}' from 0 to ${info.maxInputChannels - 1}, got ${c}`,
      );
    }
  });
  const spec = nativeRecord({
    ...strip,
    kind: 'device' as const,
    deviceIndex: info.index,
    deviceName: info.name,
    hostApi: info.hostApi,
    deviceChannels: channels,
    deviceRate: ctx.sampleRate,
    label: `input on '${info.name}'`,
  });
  return { spec, pushChannels: null, device: info };
}
