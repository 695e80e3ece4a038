/**
 * The Mixer: inputs → channel strips → master → taps and other consumers, on a real-time engine.
 */
import { EventEmitter } from 'node:events';
import { RingmixError, fromNative, rangeError, typeError } from './errors';
import { Input, checkGainDb, type InputHost } from './input';
import { native, type NativeInputSpec, type NativeMixer } from './native';
import { Tap, type TapHost } from './tap';
import type {
  DropoutEvent,
  InputOptions,
  Metrics,
  MixerOptions,
  TapOptions,
  XrunEvent,
} from './types';
import { checkBoolean, checkNumber, checkObject, checkOneOf, checkString } from './validate';

const MIXER_KEYS = ['sampleRate', 'periodFrames', 'channels', 'clock', 'metricsIntervalMs'] as const;
const INPUT_KEYS = ['name', 'source', 'gainDb', 'pan', 'muted', 'solo'] as const;
const GENERATOR_KEYS = ['generator', 'frequency', 'levelDb', 'intervalMs', 'clockPpm'] as const;

/** Events of a {@link Mixer}. */
export interface MixerEvents {
  metrics: [Metrics];
  xrun: [XrunEvent];
  dropout: [DropoutEvent];
  deviceError: [Error];
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
  readonly clock: 'virtual' | 'simulated';
  /** The master strip (gain). */
  readonly master: Master;
  /** Duration of one cycle in milliseconds. */
  readonly periodMs: number;

  #engine: NativeMixer | null;
  #inputs = new Map<number, Input>();
  #taps = new Map<number, Tap>();
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
    if (typeof o.clock === 'object' && o.clock !== null) {
      checkObject(o.clock, 'clock', ['output']);
      throw new RingmixError(
        'ERR_NO_AUDIO_BACKEND',
        'clock: { output } needs an audio device backend, which this build does not have yet; ' +
          "use clock: 'virtual' (real time, no device) or 'simulated'",
      );
    }
    this.clock = o.clock === undefined ? 'virtual' : checkOneOf(o.clock, 'clock', ['virtual', 'simulated'] as const);
    this.periodMs = (1000 * this.periodFrames) / this.sampleRate;
    this.#engine = new (native().Mixer)({
      sampleRate: this.sampleRate,
      periodFrames: this.periodFrames,
      channels: this.channels,
      clock: this.clock,
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
    const { spec, pushChannels } = this.#sourceSpec(o.source, strip);
    const id = this.engineCall((e) => e.addInput(spec));
    const host: InputHost = {
      engine: () => this.#engineOrThrow(),
      periodMs: this.periodMs,
      sampleRate: this.sampleRate,
      inputRemoved: (input) => this.#inputs.delete(input.id),
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

  /** Starts the virtual clock. Idempotent. */
  start(): void {
    this.#requireClock('virtual', 'start');
    this.engineCall((e) => e.start());
    this.#running = true;
  }

  /** Stops the virtual clock (inputs and taps stay). Idempotent. */
  stop(): void {
    this.#requireClock('virtual', 'stop');
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
    return {
      ...m,
      inputs: m.inputs.map((i) => ({ ...i, name: this.#inputs.get(i.id)?.name ?? `input-${i.id}` })),
      consumers: [...this.#taps.values()].map((t) => {
        const s = t.stats();
        return { id: t.id, kind: 'tap' as const, lagFrames: s.lagFrames, dropouts: s.dropouts, lostFrames: s.lostFrames };
      }),
    };
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
  ): { spec: NativeInputSpec; pushChannels: 1 | 2 | null } {
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
      checkObject(source, 'source', ['device', 'channels']);
      throw new RingmixError(
        'ERR_NO_AUDIO_BACKEND',
        'source: { device } needs an audio device backend, which this build does not have yet',
      );
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
  }
}
