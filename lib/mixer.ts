/**
 * The Mixer: inputs → channel strips → master → taps and other consumers, on a real-time engine.
 */
import { EventEmitter } from 'node:events';
import { checkSelector, resolveDevice, type DeviceInfo } from './devices';
import { RingmixError, fromNative, rangeError, typeError } from './errors';
import { Input, checkGainDb, type InputHost } from './input';
import { native, type NativeDeviceStatus, type NativeInputSpec, type NativeMixer } from './native';
import { Output } from './output';
import { Tap, type TapHost } from './tap';
import type {
  DeviceErrorEvent,
  DeviceStreamMetrics,
  DropoutEvent,
  InputOptions,
  Metrics,
  MixerOptions,
  OutputOptions,
  TapOptions,
  XrunEvent,
} from './types';
import { checkBoolean, checkNumber, checkObject, checkOneOf, checkString } from './validate';

/** Host APIs whose duplex streams run input and output in one synchronous callback. */
const DUPLEX_HOST_APIS = ['JACK', 'ASIO', 'Core Audio'] as const;

const MIXER_KEYS = ['sampleRate', 'periodFrames', 'channels', 'clock', 'metricsIntervalMs'] as const;
const INPUT_KEYS = ['name', 'source', 'gainDb', 'pan', 'muted', 'solo'] as const;
const GENERATOR_KEYS = ['generator', 'frequency', 'levelDb', 'intervalMs', 'clockPpm'] as const;

/** Events of a {@link Mixer}. */
export interface MixerEvents {
  metrics: [Metrics];
  xrun: [XrunEvent];
  dropout: [DropoutEvent];
  deviceError: [DeviceErrorEvent];
  error: [Error];
}

/** The master strip. */
export class Master {
  #gainDb = 0;
  readonly #mixer: Mixer;
  /** @internal */
  constructor(mixer: Mixer) {
    this.#mixer = mixer;
  }
  /** Master gain in dB (-144–24, or -Infinity), applied on the next cycle with a 10 ms ramp. */
  get gainDb(): number {
    return this.#gainDb;
  }
  set gainDb(value: number) {
    const v = checkGainDb(value, 'master.gainDb');
    this.#mixer.engineCall((e) => e.set('masterGainDb', 0, v));
    this.#gainDb = v;
  }
}

/**
 * A real-time mixer. The mix runs on its own clock and never waits on JavaScript: property
 * setters and method calls send commands it applies on its next cycle, and metrics come back as
 * snapshots.
 */
export class Mixer extends EventEmitter<MixerEvents> {
  readonly sampleRate: number;
  readonly periodFrames: number;
  readonly channels: 1 | 2;
  /** Which clock drives the mix: internal real-time thread, simulated, or an output device. */
  readonly clock: 'virtual' | 'simulated' | 'device';
  /** With `clock: { output }`: the device whose callback runs the mix. */
  readonly outputDevice: DeviceInfo | null;
  /** The master strip (gain). */
  readonly master: Master;
  /** Duration of one cycle in milliseconds. */
  readonly periodMs: number;

  #engine: NativeMixer | null;
  #inputs = new Map<number, Input>();
  #taps = new Map<number, Tap>();
  #outputs = new Map<number, Output>();
  /** Default rate of devices used by inputs (index → Hz), for the resampling fallback. */
  #deviceRates = new Map<number, number>();
  /** Device name of each device input (by input id), for events. */
  #deviceNames = new Map<number, string>();
  #nextTapId = 1;
  #timer: NodeJS.Timeout;
  #running = false;

  constructor(options: MixerOptions = {}) {
    super();
    const o = checkObject(options, 'Mixer options', MIXER_KEYS);
    this.sampleRate =
      o.sampleRate === undefined ? 48000 : checkNumber(o.sampleRate, 'sampleRate', 8000, 192000, { integer: true });
    this.periodFrames =
      o.periodFrames === undefined ? 256 : checkNumber(o.periodFrames, 'periodFrames', 16, 4096, { integer: true });
    this.channels = o.channels === undefined ? 2 : checkOneOf(o.channels, 'channels', [1, 2] as const);
    const interval =
      o.metricsIntervalMs === undefined
        ? 100
        : checkNumber(o.metricsIntervalMs, 'metricsIntervalMs', 10, 60000, { integer: true });
    let output: DeviceInfo | null = null;
    if (typeof o.clock === 'object' && o.clock !== null) {
      const c = checkObject(o.clock, 'clock', ['output']);
      output = resolveDevice(checkSelector(c.output, 'clock.output'), 'output');
      if (output.maxOutputChannels < this.channels) {
        throw rangeError(
          `clock.output '${output.name}' has ${output.maxOutputChannels} output channel(s); the mix has ${this.channels}`,
        );
      }
      this.clock = 'device';
    } else {
      this.clock = o.clock === undefined ? 'virtual' : checkOneOf(o.clock, 'clock', ['virtual', 'simulated'] as const);
    }
    this.outputDevice = output;
    this.periodMs = (1000 * this.periodFrames) / this.sampleRate;
    this.#engine = new (native().Mixer)({
      sampleRate: this.sampleRate,
      periodFrames: this.periodFrames,
      channels: this.channels,
      clock: this.clock,
      ...(output
        ? {
            deviceIndex: output.index,
            // Inputs on this device join its stream (duplex) where the host API runs input and
            // output in lockstep; elsewhere (ALSA, where a duplex stream through a sound server
            // delivers gappy input) they get a stream of their own.
            deviceInputChannels: DUPLEX_HOST_APIS.some((h) => output!.hostApi.includes(h)) ? output.maxInputChannels : 0,
            label: `the mixer's output clock on '${output.name}'`,
          }
        : {}),
    });
    this.master = new Master(this);
    // Metrics and events are polled, never pushed per buffer. unref: a mixer alone does not keep
    // the process alive.
    this.#timer = setInterval(() => this.#poll(), interval);
    this.#timer.unref();
  }

  /** True between {@link Mixer.start} and {@link Mixer.stop} (virtual clock). */
  get running(): boolean {
    return this.#running;
  }

  /** True after {@link Mixer.close}. */
  get closed(): boolean {
    return this.#engine === null;
  }

  /** The inputs, in the order they were added. */
  get inputs(): readonly Input[] {
    return [...this.#inputs.values()];
  }

  /** Adds an input; it is mixed from the next cycle. */
  addInput(options: InputOptions): Input {
    const o = checkObject(options, 'input options', INPUT_KEYS);
    const gainDb = o.gainDb === undefined ? 0 : checkGainDb(o.gainDb, 'gainDb');
    const pan = o.pan === undefined ? 0 : checkNumber(o.pan, 'pan', -1, 1);
    const muted = o.muted === undefined ? false : checkBoolean(o.muted, 'muted');
    const solo = o.solo === undefined ? false : checkBoolean(o.solo, 'solo');
    const name = o.name === undefined ? undefined : checkString(o.name, 'name');
    if (o.source === undefined) throw typeError('input options: source is required');
    const strip = { gainDb, pan, muted, solo };
    const { spec, pushChannels, deviceName } = this.#sourceSpec(o.source, strip);
    const id = this.#addNativeInput(spec);
    if (deviceName !== undefined) this.#deviceNames.set(id, deviceName);
    const host: InputHost = {
      engine: () => this.#engineOrThrow(),
      periodMs: this.periodMs,
      sampleRate: this.sampleRate,
      inputRemoved: (input) => {
        this.#inputs.delete(input.id);
        this.#deviceNames.delete(input.id);
      },
    };
    const input = new Input(host, { id, name: name ?? `input-${id}`, ...strip, pushChannels });
    this.#inputs.set(id, input);
    return input;
  }

  /** A new reader of the mix, starting at the next frame produced. */
  tap(options: TapOptions = {}): Tap {
    const o = checkObject(options, 'tap options', ['capacityFrames']);
    const capacityFrames =
      o.capacityFrames === undefined
        ? this.sampleRate
        : checkNumber(o.capacityFrames, 'capacityFrames', this.periodFrames, 2 * this.sampleRate, { integer: true });
    const nativeTap = this.engineCall((e) => e.openTap(capacityFrames));
    const host: TapHost = {
      channels: this.channels,
      periodMs: this.periodMs,
      get closed() {
        return mixer.closed;
      },
      tapClosed: (tap) => this.#taps.delete(tap.id),
      dropout: (tap, lostFrames) => this.emit('dropout', { consumerId: tap.id, kind: 'tap', lostFrames }),
    };
    const mixer = this;
    const tap = new Tap(host, nativeTap, this.#nextTapId++, capacityFrames);
    this.#taps.set(tap.id, tap);
    return tap;
  }

  /**
   * Another device playing the mix, at its own clock (resampled when its rate differs). Needs a
   * real-time clock (virtual or device).
   */
  addOutput(options: OutputOptions): Output {
    const o = checkObject(options, 'output options', ['device']);
    if (this.clock === 'simulated') {
      throw new RingmixError('ERR_WRONG_CLOCK', "outputs need a real-time clock; this mixer's clock is 'simulated'");
    }
    const device = resolveDevice(checkSelector(o.device, 'device'), 'output');
    const channels = Math.min(device.maxOutputChannels, 2);
    const label = `output on '${device.name}'`;
    let rate = this.sampleRate;
    let id: number;
    try {
      id = this.engineCall((e) => e.addOutput(device.index, channels, rate, label));
    } catch (err) {
      // A device that cannot run at the mixer's rate runs at its own, and the mix is resampled.
      if ((err as { code?: string }).code !== 'ERR_DEVICE' || device.defaultSampleRate === this.sampleRate) throw err;
      rate = Math.round(device.defaultSampleRate);
      id = this.engineCall((e) => e.addOutput(device.index, channels, rate, label));
    }
    const output = new Output(
      { engine: () => this.#engineOrThrow(), outputRemoved: (out) => this.#outputs.delete(out.id) },
      id,
      device,
      rate,
    );
    this.#outputs.set(id, output);
    return output;
  }

  /** Starts the clock (virtual or device) and every device stream. Idempotent. */
  start(): void {
    this.#requireRealtime('start');
    this.engineCall((e) => e.start());
    this.#running = true;
  }

  /** Stops the clock and device streams (inputs, outputs and taps stay). Idempotent. */
  stop(): void {
    this.#requireRealtime('stop');
    this.engineCall((e) => e.stop());
    this.#running = false;
  }

  /**
   * Simulated clock: runs the mix for exactly `frames` frames on this thread, in whole cycles of
   * `periodFrames` (the last one shorter if needed). Every virtual device advances on its own
   * simulated clock. Deterministic.
   */
  advance(frames: number): void {
    this.#requireClock('simulated', 'advance');
    checkNumber(frames, 'frames', 0, Number.MAX_SAFE_INTEGER, { integer: true });
    this.engineCall((e) => e.advance(frames));
    this.#pollEvents();
  }

  /** A snapshot of the engine's state and meters. */
  metrics(): Metrics {
    const m = this.engineCall((e) => e.metrics());
    const devices = this.engineCall((e) => e.deviceStatus());
    const stream = (d: NativeDeviceStatus): DeviceStreamMetrics => ({
      failed: d.failed,
      callbacks: d.callbacks,
      overflows: d.overflows,
      underflows: d.underflows,
      latencyMs: d.latencyMs,
      sampleRate: d.sampleRate,
    });
    const byKind = (kind: NativeDeviceStatus['kind'], id: number) => devices.find((d) => d.kind === kind && d.id === id);
    const clock = byKind('clock', 0);
    const result: Metrics = {
      ...m,
      inputs: m.inputs.map((i) => {
        const d = byKind('input', i.id);
        return { ...i, name: this.#inputs.get(i.id)?.name ?? `input-${i.id}`, ...(d ? { device: stream(d) } : {}) };
      }),
      consumers: [
        ...[...this.#taps.values()].map((t) => {
          const s = t.stats();
          return { id: t.id, kind: 'tap' as const, lagFrames: s.lagFrames, dropouts: s.dropouts, lostFrames: s.lostFrames };
        }),
        ...devices
          .filter((d) => d.kind === 'output')
          .map((d) => ({
            id: d.id,
            kind: 'output' as const,
            lagFrames: d.lagFrames,
            dropouts: d.dropouts,
            lostFrames: d.lostFrames,
            device: stream(d),
          })),
      ],
    };
    if (clock) result.clockDevice = stream(clock);
    return result;
  }

  /**
   * Stops the clock, closes every tap and input and frees the engine. Idempotent; every other call
   * afterwards throws RingmixError ERR_CLOSED.
   */
  async close(): Promise<void> {
    if (this.#engine === null) return;
    clearInterval(this.#timer);
    const engine = this.#engine;
    for (const tap of [...this.#taps.values()]) tap.close();
    this.#outputs.clear();
    this.#engine = null;
    this.#running = false;
    engine.close();
    this.#inputs.clear();
  }

  /** @internal */
  engineCall<T>(fn: (engine: NativeMixer) => T): T {
    const engine = this.#engineOrThrow();
    try {
      return fn(engine);
    } catch (err) {
      throw fromNative(err);
    }
  }

  #engineOrThrow(): NativeMixer {
    if (this.#engine === null) throw new RingmixError('ERR_CLOSED', 'the mixer is closed');
    return this.#engine;
  }

  #requireRealtime(method: string): void {
    this.#engineOrThrow();
    if (this.clock === 'simulated') {
      throw new RingmixError('ERR_WRONG_CLOCK', `${method}() is for real-time clocks; this mixer's clock is 'simulated' (use advance())`);
    }
  }

  /** Adds a device input at the mixer's rate, or at the device's own (resampled) if it refuses. */
  #addNativeInput(spec: NativeInputSpec): number {
    try {
      return this.engineCall((e) => e.addInput(spec));
    } catch (err) {
      if (spec.kind !== 'device' || (err as { code?: string }).code !== 'ERR_DEVICE') throw err;
      const own = this.#deviceRates.get(spec.deviceIndex);
      if (own === undefined || own === spec.deviceRate) throw err;
      return this.engineCall((e) => e.addInput({ ...spec, deviceRate: own }));
    }
  }

  #requireClock(clock: 'virtual' | 'simulated', method: string): void {
    this.#engineOrThrow();
    if (this.clock !== clock) {
      throw new RingmixError(
        'ERR_WRONG_CLOCK',
        `${method}() is for clock: '${clock}'; this mixer's clock is '${this.clock}'`,
      );
    }
  }

  #sourceSpec(
    source: unknown,
    strip: { gainDb: number; pan: number; muted: boolean; solo: boolean },
  ): { spec: NativeInputSpec; pushChannels: 1 | 2 | null; deviceName?: string } {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      throw typeError('source must be an object: { generator }, { device } or { push }');
    }
    if ('generator' in source) {
      const s = checkObject(source, 'source', GENERATOR_KEYS);
      const generator = checkOneOf(s.generator, 'source.generator', ['sine', 'noise', 'silence', 'impulses'] as const);
      const nyquist = this.sampleRate / 2;
      return {
        spec: {
          ...strip,
          kind: 'generator',
          generator,
          frequency:
            s.frequency === undefined
              ? 440
              : checkNumber(s.frequency, 'source.frequency', 0, nyquist, { exclusiveMin: true, exclusiveMax: true }),
          levelDb: s.levelDb === undefined ? -18 : checkNumber(s.levelDb, 'source.levelDb', -144, 0),
          intervalMs: s.intervalMs === undefined ? 1000 : checkNumber(s.intervalMs, 'source.intervalMs', 1, 60000),
          clockPpm: s.clockPpm === undefined ? 0 : checkNumber(s.clockPpm, 'source.clockPpm', -100000, 100000),
        },
        pushChannels: null,
      };
    }
    if ('push' in source) {
      checkObject(source, 'source', ['push']);
      const p = checkObject((source as { push: unknown }).push, 'source.push', ['channels', 'sampleRate']);
      const channels = checkOneOf(p.channels, 'source.push.channels', [1, 2] as const);
      if (p.sampleRate !== undefined) {
        const rate = checkNumber(p.sampleRate, 'source.push.sampleRate', 8000, 192000, { integer: true });
        if (rate !== this.sampleRate) {
          throw rangeError(
            `source.push.sampleRate must equal the mixer's sampleRate (${this.sampleRate}); got ${rate}. ` +
              'Resample before writing.',
          );
        }
      }
      return { spec: { ...strip, kind: 'push', channels }, pushChannels: channels };
    }
    if ('device' in source) {
      const d = checkObject(source, 'source', ['device', 'channels']);
      const selector = checkSelector(d.device, 'source.device');
      if (this.clock === 'simulated') {
        throw new RingmixError('ERR_WRONG_CLOCK', "device inputs need a real-time clock; this mixer's clock is 'simulated'");
      }
      const device = resolveDevice(selector, 'input');
      let channels: number[];
      if (d.channels === undefined) {
        channels = device.maxInputChannels >= 2 ? [0, 1] : [0];
      } else {
        if (!Array.isArray(d.channels)) throw typeError('source.channels must be an array of device channel numbers');
        if (d.channels.length < 1 || d.channels.length > 2) {
          throw rangeError(`source.channels takes 1 or 2 device channels, got ${d.channels.length}`);
        }
        channels = d.channels.map((c: unknown, i: number) => {
          if (typeof c !== 'number') throw typeError(`source.channels[${i}] must be a number`);
          if (!Number.isInteger(c) || c < 0 || c >= device.maxInputChannels) {
            throw rangeError(
              `source.channels[${i}] must be a channel of '${device.name}' from 0 to ${device.maxInputChannels - 1}, got ${c}`,
            );
          }
          return c;
        });
      }
      this.#deviceRates.set(device.index, Math.round(device.defaultSampleRate));
      return {
        spec: {
          ...strip,
          kind: 'device',
          deviceIndex: device.index,
          deviceChannels: channels,
          deviceRate: this.sampleRate,
          label: `input on '${device.name}'`,
        },
        pushChannels: null,
        deviceName: device.name,
      };
    }
    throw typeError('source must have one of: generator, device, push');
  }

  #poll(): void {
    if (this.#engine === null) return;
    this.#pollEvents();
    if (this.listenerCount('metrics') > 0) this.emit('metrics', this.metrics());
  }

  #pollEvents(): void {
    const events = this.engineCall((e) => e.pollEvents());
    for (const ev of events) {
      if (ev.type === 'xrun') this.emit('xrun', { frame: ev.frame, overUs: ev.value });
    }
    if (this.clock === 'simulated') return;
    for (const f of this.engineCall((e) => e.pollDeviceFailures())) {
      const device =
        f.kind === 'clock'
          ? (this.outputDevice?.name ?? '')
          : f.kind === 'input'
            ? (this.#deviceNames.get(f.id) ?? '')
            : (this.#outputs.get(f.id)?.device.name ?? '');
      const what = f.kind === 'input' ? `input ${f.id}` : f.kind === 'output' ? `output ${f.id}` : 'the mixer clock';
      const err = Object.assign(new Error(`${what} ('${device}'): ${f.message}`), {
        code: 'ERR_DEVICE' as const,
        kind: f.kind,
        id: f.id,
        device,
      });
      this.emit('deviceError', err);
    }
  }
}
