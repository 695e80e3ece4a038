/**
 * The Mixer's options: validated once, then turned into the engine's options.
 * @internal
 */
import { checkSelector, resolveDevice, type DeviceInfo } from './devices';
import { rangeError } from './errors';
import { nativeRecord, type NativeMixerOptions } from './native';
import { checkBoolean, checkNumber, checkObject, checkOneOf } from './validate';

/** Host APIs whose duplex streams run input and output in one synchronous callback. */
const DUPLEX_HOST_APIS = ['JACK', 'ASIO', 'Core Audio'] as const;

const MIXER_KEYS = ['sampleRate', 'periodFrames', 'channels', 'clock', 'metricsIntervalMs', 'limiter'] as const;

/** Validated Mixer options, defaults applied. */
export interface MixerConfig {
  sampleRate: number;
  periodFrames: number;
  channels: 1 | 2;
  clock: 'virtual' | 'simulated' | 'device';
  /** With a device clock: the output device that runs the mix. */
  outputDevice: DeviceInfo | null;
  metricsIntervalMs: number;
  /** Whether the master has its look-ahead limiter stage (see MixerOptions.limiter). */
  limiter: boolean;
}

/** Validates `new Mixer(options)` (own properties only; a device clock's device is looked up). */
export function checkMixerOptions(options: unknown): MixerConfig {
  const o = checkObject(options, 'Mixer options', MIXER_KEYS);
  const sampleRate =
    o.sampleRate === undefined ? 48000 : checkNumber(o.sampleRate, 'sampleRate', 8000, 192000, { integer: true });
  const periodFrames =
    o.periodFrames === undefined ? 256 : checkNumber(o.periodFrames, 'periodFrames', 16, 4096, { integer: true });
  const channels = o.channels === undefined ? 2 : checkOneOf(o.channels, 'channels', [1, 2] as const);
  const metricsIntervalMs =
    o.metricsIntervalMs === undefined
      ? 100
      : checkNumber(o.metricsIntervalMs, 'metricsIntervalMs', 10, 60000, { integer: true });
  const limiter = o.limiter === undefined ? true : checkBoolean(o.limiter, 'limiter');
  if (typeof o.clock !== 'object' || o.clock === null) {
    const clock = o.clock === undefined ? 'virtual' : checkOneOf(o.clock, 'clock', ['virtual', 'simulated'] as const);
    return { sampleRate, periodFrames, channels, clock, outputDevice: null, metricsIntervalMs, limiter };
  }
  const c = checkObject(o.clock, 'clock', ['output']);
  const output = resolveDevice(checkSelector(c.output, 'clock.output'), 'output');
  if (output.maxOutputChannels < channels) {
    throw rangeError(`clock.output '${output.name}' has ${output.maxOutputChannels} output channel(s); the mix has ${channels}`);
  }
  return { sampleRate, periodFrames, channels, clock: 'device', outputDevice: output, metricsIntervalMs, limiter };
}

/** The engine's options, built from validated values only (see nativeRecord). */
export function nativeMixerOptions(config: MixerConfig): NativeMixerOptions {
  const { sampleRate, periodFrames, channels, clock, outputDevice: output, limiter } = config;
  if (output === null) return nativeRecord({ sampleRate, periodFrames, channels, clock, limiter });
  return nativeRecord({
    limiter,
    sampleRate,
    periodFrames,
    channels,
    clock,
    deviceIndex: output.index,
    deviceName: output.name,
    hostApi: output.hostApi,
    // Inputs on this device join its stream (duplex) where the host API runs input and output in
    // lockstep; elsewhere (ALSA, where a duplex stream through a sound server delivers gappy input)
    // they get a stream of their own.
    deviceInputChannels: DUPLEX_HOST_APIS.some((h) => output.hostApi.includes(h)) ? output.maxInputChannels : 0,
    label: `the mixer's output clock on '${output.name}'`,
  });
}
