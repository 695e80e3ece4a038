/**
 * The DSP blocks' settings: defaults, checks and merging. A setter takes a partial object and
 * merges it into the block's current settings (an `eq` band too); `null` or `{ enabled: false }`
 * bypasses the block and keeps its settings; any other assignment enables it unless it says
 * `enabled: false`. Ranges match the addon's (binding/addon/dsp_args.hpp).
 * @internal
 */
import { rangeError, typeError } from './errors';
import type {
  CompressorSettings,
  EqBandSettings,
  EqSettings,
  GateSettings,
  HighPassSettings,
  LimiterSettings,
} from './types';
import { checkBoolean, checkNumber, checkObject, checkOneOf } from './validate';

export const DEFAULT_HIGH_PASS: HighPassSettings = { enabled: false, frequency: 80, slope: 12 };
export const DEFAULT_EQ: EqSettings = {
  enabled: false,
  low: { frequency: 100, gainDb: 0, q: 0.7071 },
  mid: { frequency: 1000, gainDb: 0, q: 1 },
  high: { frequency: 10000, gainDb: 0, q: 0.7071 },
};
/** The compressor's settings without its sidechain (an Input, held by the strip). */
export type CompressorCore = Omit<CompressorSettings, 'sidechain'>;
export const DEFAULT_COMPRESSOR: CompressorCore = {
  enabled: false, thresholdDb: -20, ratio: 4, attackMs: 10, releaseMs: 100, kneeDb: 6, makeupDb: 0,
};
export const DEFAULT_GATE: GateSettings = { enabled: false, thresholdDb: -50, rangeDb: 60, attackMs: 1, holdMs: 50, releaseMs: 100 };
export const DEFAULT_LIMITER: LimiterSettings = { enabled: true, ceilingDbtp: -1, releaseMs: 50 };

type Range = readonly [number, number];
const R = {
  highPassHz: [10, 1000],
  bandHz: [20, 20000],
  bandGainDb: [-18, 18],
  q: [0.1, 10],
  thresholdDb: [-80, 0],
  ratio: [1, 100],
  attackMs: [0.1, 1000],
  releaseMs: [1, 5000],
  kneeDb: [0, 24],
  makeupDb: [-24, 24],
  gateThresholdDb: [-100, 0],
  gateRangeDb: [0, 100],
  gateAttackMs: [0.01, 1000],
  holdMs: [0, 5000],
  ceilingDbtp: [-24, 0],
} as const satisfies Record<string, Range>;

function num(value: unknown, current: number, name: string, [min, max]: Range): number {
  return value === undefined ? current : checkNumber(value, name, min, max);
}

/** A frequency below 45% of the sample rate (a filter at or past Nyquist has no meaning). */
function freq(value: unknown, current: number, name: string, range: Range, sampleRate: number): number {
  const f = num(value, current, name, range);
  if (value !== undefined && f > 0.45 * sampleRate) {
    throw rangeError(`${name} must be below 45% of the sample rate (${0.45 * sampleRate} Hz), got ${f}`);
  }
  return f;
}

/** `null` bypasses; an object enables unless it says otherwise. Returns the options object or null. */
function open<const K extends string>(value: unknown, name: string, keys: readonly K[]): ({ [P in K]?: unknown } & { enabled?: unknown }) | null {
  if (value === null) return null;
  return checkObject(value, name, [...keys, 'enabled']) as { [P in K]?: unknown } & { enabled?: unknown };
}

function enabled(o: { enabled?: unknown }, name: string): boolean {
  return o.enabled === undefined ? true : checkBoolean(o.enabled, `${name}.enabled`);
}

export function mergeHighPass(current: HighPassSettings, value: unknown, name: string, sampleRate: number): HighPassSettings {
  const o = open(value, name, ['frequency', 'slope']);
  if (o === null) return { ...current, enabled: false };
  return {
    enabled: enabled(o, name),
    frequency: freq(o.frequency, current.frequency, `${name}.frequency`, R.highPassHz, sampleRate),
    slope: o.slope === undefined ? current.slope : checkOneOf(o.slope, `${name}.slope`, [12, 24] as const),
  };
}

function mergeBand(current: EqBandSettings, value: unknown, name: string, sampleRate: number): EqBandSettings {
  if (value === undefined) return current;
  const o = checkObject(value, name, ['frequency', 'gainDb', 'q']);
  return {
    frequency: freq(o.frequency, current.frequency, `${name}.frequency`, R.bandHz, sampleRate),
    gainDb: num(o.gainDb, current.gainDb, `${name}.gainDb`, R.bandGainDb),
    q: num(o.q, current.q, `${name}.q`, R.q),
  };
}

export function mergeEq(current: EqSettings, value: unknown, name: string, sampleRate: number): EqSettings {
  const o = open(value, name, ['low', 'mid', 'high']);
  if (o === null) return { ...current, enabled: false };
  return {
    enabled: enabled(o, name),
    low: mergeBand(current.low, o.low, `${name}.low`, sampleRate),
    mid: mergeBand(current.mid, o.mid, `${name}.mid`, sampleRate),
    high: mergeBand(current.high, o.high, `${name}.high`, sampleRate),
  };
}

/** The compressor without its sidechain, and the sidechain option as given (undefined: unchanged). */
export function mergeCompressor(
  current: CompressorCore,
  value: unknown,
  name: string,
  allowSidechain: boolean,
): { core: CompressorCore; sidechain: unknown } {
  const keys = ['thresholdDb', 'ratio', 'attackMs', 'releaseMs', 'kneeDb', 'makeupDb'] as const;
  const o = open(value, name, allowSidechain ? [...keys, 'sidechain'] : keys);
  if (o === null) return { core: { ...current, enabled: false }, sidechain: undefined };
  return {
    core: {
      enabled: enabled(o, name),
      thresholdDb: num(o.thresholdDb, current.thresholdDb, `${name}.thresholdDb`, R.thresholdDb),
      ratio: num(o.ratio, current.ratio, `${name}.ratio`, R.ratio),
      attackMs: num(o.attackMs, current.attackMs, `${name}.attackMs`, R.attackMs),
      releaseMs: num(o.releaseMs, current.releaseMs, `${name}.releaseMs`, R.releaseMs),
      kneeDb: num(o.kneeDb, current.kneeDb, `${name}.kneeDb`, R.kneeDb),
      makeupDb: num(o.makeupDb, current.makeupDb, `${name}.makeupDb`, R.makeupDb),
    },
    sidechain: (o as { sidechain?: unknown }).sidechain,
  };
}

export function mergeGate(current: GateSettings, value: unknown, name: string): GateSettings {
  const o = open(value, name, ['thresholdDb', 'rangeDb', 'attackMs', 'holdMs', 'releaseMs']);
  if (o === null) return { ...current, enabled: false };
  return {
    enabled: enabled(o, name),
    thresholdDb: num(o.thresholdDb, current.thresholdDb, `${name}.thresholdDb`, R.gateThresholdDb),
    rangeDb: num(o.rangeDb, current.rangeDb, `${name}.rangeDb`, R.gateRangeDb),
    attackMs: num(o.attackMs, current.attackMs, `${name}.attackMs`, R.gateAttackMs),
    holdMs: num(o.holdMs, current.holdMs, `${name}.holdMs`, R.holdMs),
    releaseMs: num(o.releaseMs, current.releaseMs, `${name}.releaseMs`, R.releaseMs),
  };
}

export function mergeLimiter(current: LimiterSettings, value: unknown, name: string): LimiterSettings {
  const o = open(value, name, ['ceilingDbtp', 'releaseMs']);
  if (o === null) return { ...current, enabled: false };
  return {
    enabled: enabled(o, name),
    ceilingDbtp: num(o.ceilingDbtp, current.ceilingDbtp, `${name}.ceilingDbtp`, R.ceilingDbtp),
    releaseMs: num(o.releaseMs, current.releaseMs, `${name}.releaseMs`, R.releaseMs),
  };
}

/** A deep-frozen copy, for getters (changing it changes nothing: assign to the setter instead). */
export function frozen<T extends object>(value: T): Readonly<T> {
  const copy = structuredClone(value);
  for (const v of Object.values(copy)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(copy);
}

/** @internal */
export function notAnInput(name: string): TypeError {
  return typeError(`${name} must be an Input of this mixer, or null`);
}
