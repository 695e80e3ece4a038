/**
 * The Mixer: inputs → channel strips → master → taps and other consumers, on a real-time engine.
 * This file holds its lifecycle and public methods; options, sources, events and metrics each
 * have their own module.
 */
import { EventEmitter } from 'node:events';
import { checkSelector, resolveDevice, type DeviceInfo } from './devices';
import { RingmixError, callNative, callNativeAsync } from './errors';
import { collectEvents, deliver, reportPollError, type Delivery } from './events';
import { Input, type InputHost } from './input';
import { Master } from './master';
import { assembleMetrics } from './metrics';
import { checkMixerOptions, nativeMixerOptions } from './mixer-options';
import { native, nativeRecord, type NativeInputSpec, type NativeMixer } from './native';
import { Output } from './output';
import type { Broadcast } from './broadcast';
import { checkInputOptions } from './input-options';
import { openBroadcast, openRecorder } from './mixer-consumers';
import type { Recorder } from './recorder';
import { makeSidechainResolver, nativeStrip } from './strip-dsp';
import { Tap, type TapHost } from './tap';
import type { InputOptions, Metrics, MixerEvents, MixerOptions, OutputOptions, RecordOptions, StreamOptions, TapOptions } from './types';
import { checkBoolean, checkNumber, checkObject } from './validate';


/**
 * A real-time mixer. The mix runs on its own clock and never waits on JavaScript: property
 * setters and method calls send commands it applies on its next cycle, and metrics come back as
 * snapshots. Every method and setter throws RingmixError `ERR_CLOSED` after {@link Mixer.close}
 * (before looking at its arguments). Async-disposable: `await using mixer = new Mixer()` closes it
 * at the end of the block.
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
  #recorders = new Map<number, Recorder>();
  #broadcasts = new Map<number, Broadcast>();
  readonly #sidechain = makeSidechainResolver(() => this.#inputs.values());
  /** Device name of each device input (by input id), for events. */
  #deviceNames = new Map<number, string>();
  #timer: NodeJS.Timeout;
  #running = false;
  #closing: Promise<void> | null = null;
  /** Poll failures already reported as warnings (see MixerEvents.error). */
  #warned = new Set<string>();

  /** A new mixer, stopped. See the README for the options. */
  constructor(options: MixerOptions = {}) {
    super();
    const config = checkMixerOptions(options);
    this.sampleRate = config.sampleRate;
    this.periodFrames = config.periodFrames;
    this.channels = config.channels;
    this.clock = config.clock;
    this.outputDevice = config.outputDevice;
    this.periodMs = (1000 * this.periodFrames) / this.sampleRate;
    this.#engine = callNative(() => new (native().Mixer)(nativeMixerOptions(config)));
    this.master = new Master(() => this.#engineOrThrow(), this.sampleRate, config.limiter);
    // Metrics and events are polled, never pushed per buffer. unref: a mixer alone does not keep
    // the process alive.
    this.#timer = setInterval(() => this.#poll(), config.metricsIntervalMs);
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
    this.#engineOrThrow();
    const { name, strip, dsp, drift, source } = checkInputOptions(options, this, this.#sidechain);
    const id = this.#addNativeInput(nativeRecord({ ...source.spec, ...drift, dsp: nativeStrip(dsp) }), source.device);
    if (source.device) this.#deviceNames.set(id, source.device.name);
    const host: InputHost = {
      engine: () => this.#engineOrThrow(),
      sidechain: this.#sidechain,
      periodMs: this.periodMs,
      sampleRate: this.sampleRate,
      inputRemoved: (input) => {
        this.#inputs.delete(input.id);
        this.#deviceNames.delete(input.id);
      },
    };
    const clockPpm = source.spec.kind === 'generator' ? source.spec.clockPpm : null;
    const input = new Input(host, { id, name: name ?? `input-${id}`, ...strip, pushChannels: source.pushChannels, clockPpm, dsp });
    this.#inputs.set(id, input);
    return input;
  }

  /** A new reader of the mix, starting at the next frame produced. */
  tap(options: TapOptions = {}): Tap {
    const engine = this.#engineOrThrow();
    const o = checkObject(options, 'tap options', ['capacityFrames']);
    const capacityFrames =
      o.capacityFrames === undefined
        ? this.sampleRate
        : checkNumber(o.capacityFrames, 'capacityFrames', this.periodFrames, 2 * this.sampleRate, { integer: true });
    const nativeTap = callNative(() => engine.openTap(capacityFrames));
    const mixer = this;
    const host: TapHost = {
      channels: this.channels,
      periodMs: this.periodMs,
      get closed() {
        return mixer.closed;
      },
      tapClosed: (tap) => this.#taps.delete(tap.id),
      dropout: (tap, lostFrames) => this.emit('dropout', { consumerId: tap.id, kind: 'tap', lostFrames }),
    };
    // Taps and outputs share one id space (metrics().consumers), allocated by the engine.
    const tap = new Tap(host, nativeTap, nativeTap.stats().id, capacityFrames);
    this.#taps.set(tap.id, tap);
    return tap;
  }

  /**
   * Another device playing the mix, at its own clock (resampled when its rate differs). Needs a
   * real-time clock (virtual or device).
   */
  addOutput(options: OutputOptions): Output {
    const engine = this.#engineOrThrow();
    const o = checkObject(options, 'output options', ['device', 'compensateDrift', 'targetLatencyMs']);
    const selector = checkSelector(o.device, 'device');
    const compensateDrift =
      o.compensateDrift === undefined ? undefined : checkBoolean(o.compensateDrift, 'compensateDrift');
    const targetLatencyMs =
      o.targetLatencyMs === undefined ? 0 : checkNumber(o.targetLatencyMs, 'targetLatencyMs', 0, 2000);
    const drift = nativeRecord(compensateDrift === undefined ? { targetLatencyMs } : { compensateDrift, targetLatencyMs });
    if (this.clock === 'simulated') {
      throw new RingmixError('ERR_WRONG_CLOCK', "outputs need a real-time clock; this mixer's clock is 'simulated'");
    }
    const device = resolveDevice(selector, 'output');
    const channels = Math.min(device.maxOutputChannels, 2);
    const label = `output on '${device.name}'`;
    const ref = nativeRecord({ deviceIndex: device.index, deviceName: device.name, hostApi: device.hostApi });
    let rate = this.sampleRate;
    let id: number;
    try {
      id = callNative(() => engine.addOutput(ref, channels, rate, label, drift));
    } catch (err) {
      // A device that cannot run at the mixer's rate runs at its own, and the mix is resampled.
      if ((err as { code?: string }).code !== 'ERR_DEVICE' || device.defaultSampleRate === this.sampleRate) throw err;
      rate = Math.round(device.defaultSampleRate);
      id = callNative(() => engine.addOutput(ref, channels, rate, label, drift));
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

  /**
   * Records the mix to a file from the next frame produced, on a thread of its own (see
   * {@link Recorder}). On the simulated clock nothing is ever lost: `advance()` waits for
   * recorders (and only for them) to keep up, so a show rendered as fast as the CPU goes is in the
   * file whole, equal to a tap of the same mix. Throws a `RecordingError` (code `ERR_RECORDING`)
   * if the file cannot be created.
   */
  record(options: RecordOptions): Recorder {
    const engine = this.#engineOrThrow();
    const recorder = openRecorder(engine, options, {
      engine: () => this.#engine,
      recorderStopped: (r) => this.#recorders.delete(r.id),
    });
    this.#recorders.set(recorder.id, recorder);
    return recorder;
  }

  /**
   * Streams the mix live to an Icecast server (see {@link Broadcast}): encoded on a thread of its
   * own from the next frame produced, sent as the audio makes it, reconnecting with backoff after
   * the server drops or restarts. Throws `TypeError`/`RangeError` for bad options and
   * `ERR_STREAM_URL` for a URL it cannot stream to; everything after that (connecting, a wrong
   * password) arrives as events.
   */
  stream(options: StreamOptions): Broadcast {
    const engine = this.#engineOrThrow();
    const broadcast = openBroadcast(engine, options, this, {
      engine: () => this.#engine,
      sampleRate: this.sampleRate,
      broadcastStopped: (b) => this.#broadcasts.delete(b.id),
    });
    this.#broadcasts.set(broadcast.id, broadcast);
    return broadcast;
  }

  /** Starts the clock (virtual or device) and every device stream. Idempotent. */
  start(): void {
    const engine = this.#requireRealtime('start');
    callNative(() => engine.start());
    this.#running = true;
  }

  /** Stops the clock and device streams (inputs, outputs and taps stay). Idempotent. */
  stop(): void {
    const engine = this.#requireRealtime('stop');
    callNative(() => engine.stop());
    this.#running = false;
  }

  /**
   * Simulated clock: runs the mix for exactly `frames` frames on this thread, in whole cycles of
   * `periodFrames` (the last one shorter if needed). Every virtual device advances on its own
   * simulated clock. Deterministic. The events of those frames are emitted before it returns.
   */
  advance(frames: number): void {
    const engine = this.#requireClock('simulated', 'advance');
    checkNumber(frames, 'frames', 0, Number.MAX_SAFE_INTEGER, { integer: true });
    callNative(() => engine.advance(frames));
    deliver(this.#collectEvents(engine));
  }

  /**
   * Starts the master's loudness measurement over: integrated loudness, loudness range and the
   * true-peak maximum (momentary and short-term follow the signal anyway). Applied on the next cycle.
   */
  resetLoudness(): void {
    const engine = this.#engineOrThrow();
    callNative(() => engine.resetLoudness());
  }

  /** A snapshot of the engine's state and meters. */
  metrics(): Metrics {
    return this.#metrics(this.#engineOrThrow());
  }

  /**
   * Stops the clock, closes every tap, input and output and frees the engine. Every other call
   * throws RingmixError ERR_CLOSED from the moment this is called; the stopping and freeing
   * (joining threads, closing device streams) happen off the event loop, and the promise
   * resolves when they are done. Idempotent: later calls resolve when the first one does.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    clearInterval(this.#timer);
    const engine = this.#engine!;
    for (const tap of [...this.#taps.values()]) tap.close();
    this.#outputs.clear();
    this.#recorders.clear(); // the addon stops them, writing what they have, before the engine closes
    const streams = [...this.#broadcasts.values()].map((b) => b.detach()); // the addon stops their encoders
    this.#engine = null;
    this.#running = false;
    this.#inputs.clear();
    this.#closing = Promise.all([callNativeAsync(() => engine.close()), ...streams]).then(() => undefined);
    return this.#closing;
  }

  /** Closes the mixer: `await using mixer = new Mixer()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #engineOrThrow(): NativeMixer {
    if (this.#engine === null) throw new RingmixError('ERR_CLOSED', 'the mixer is closed');
    return this.#engine;
  }

  #requireRealtime(method: string): NativeMixer {
    const engine = this.#engineOrThrow();
    if (this.clock === 'simulated') {
      throw new RingmixError('ERR_WRONG_CLOCK', `${method}() is for real-time clocks; this mixer's clock is 'simulated' (use advance())`);
    }
    return engine;
  }

  #requireClock(clock: 'virtual' | 'simulated', method: string): NativeMixer {
    const engine = this.#engineOrThrow();
    if (this.clock !== clock) {
      throw new RingmixError('ERR_WRONG_CLOCK', `${method}() is for clock: '${clock}'; this mixer's clock is '${this.clock}'`);
    }
    return engine;
  }

  /** Adds a device input at the mixer's rate, or at the device's own (resampled) if it refuses. */
  #addNativeInput(spec: NativeInputSpec, device: DeviceInfo | null): number {
    const engine = this.#engineOrThrow();
    try {
      return callNative(() => engine.addInput(spec));
    } catch (err) {
      if (spec.kind !== 'device' || device === null || (err as { code?: string }).code !== 'ERR_DEVICE') throw err;
      const own = Math.round(device.defaultSampleRate);
      if (own === spec.deviceRate) throw err;
      return callNative(() => engine.addInput(nativeRecord({ ...spec, deviceRate: own })));
    }
  }

  #metrics(engine: NativeMixer): Metrics {
    const m = callNative(() => engine.metrics());
    const devices = callNative(() => engine.deviceStatus());
    return assembleMetrics(m, devices, {
      inputName: (id) => this.#inputs.get(id)?.name ?? `input-${id}`,
      taps: this.#taps.values(),
    });
  }

  #collectEvents(engine: NativeMixer): Delivery[] {
    const deliveries: Delivery[] = [];
    for (const r of this.#recorders.values()) deliveries.push(...r.collect(engine));
    deliveries.push(...this.#collectMixerEvents(engine));
    return deliveries;
  }

  #collectMixerEvents(engine: NativeMixer): Delivery[] {
    const deliveries = collectEvents({
      engine,
      hasDevices: this.clock !== 'simulated',
      deviceName: (kind, id) =>
        (kind === 'clock'
          ? this.outputDevice?.name
          : kind === 'input'
            ? this.#deviceNames.get(id)
            : this.#outputs.get(id)?.device.name) ?? '',
      xrun: (event) => this.emit('xrun', event),
      resync: (event) => this.emit('resync', event),
      deviceError: (error) => {
        // The clock's device died: the mix has stopped (see MixerEvents.deviceError).
        if (error.kind === 'clock') this.#running = false;
        this.emit('deviceError', error);
      },
    });
    if (this.#outputs.size > 0) {
      // An output device that fell behind the mix skipped ahead: report each new loss once.
      for (const d of callNative(() => engine.deviceStatus())) {
        const output = d.kind === 'output' ? this.#outputs.get(d.id) : undefined;
        const lostFrames = output?.takeLoss(d.lostFrames) ?? 0;
        if (lostFrames > 0) deliveries.push(() => this.emit('dropout', { consumerId: d.id, kind: 'output', lostFrames }));
        const resyncs = output?.takeResyncs(d.resyncs ?? 0) ?? 0;
        for (let i = 0; i < resyncs; i++) {
          const frame = callNative(() => engine.metrics()).frames;
          const event = { kind: 'output' as const, id: d.id, frame, errorFrames: Number.NaN };
          deliveries.push(() => this.emit('resync', event));
        }
      }
    }
    return deliveries;
  }

  /**
   * The timer's work. Reading the engine may fail (reported, never thrown: see MixerEvents.error);
   * delivering may throw only what a listener threw.
   */
  #poll(): void {
    const engine = this.#engine;
    if (engine === null) return;
    let deliveries: Delivery[];
    try {
      deliveries = this.#collectEvents(engine);
      if (this.listenerCount('metrics') > 0) {
        const metrics = this.#metrics(engine);
        deliveries.push(() => this.emit('metrics', metrics));
      }
    } catch (err) {
      reportPollError(err, this.listenerCount('error') > 0 ? (e) => this.emit('error', e) : null, this.#warned);
      return;
    }
    deliver(deliveries);
  }
}
