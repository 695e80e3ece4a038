/**
 * Loads the compiled addon (prebuilt from `prebuilds/`, or built locally into `build/Release`) and
 * describes its shape. Everything else in lib/ talks to native code only through this module.
 * @internal
 */
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';
import { RingmixError } from './errors';
import type {
  CompressorSettings,
  EqSettings,
  GateSettings,
  HighPassSettings,
  LimiterSettings,
  MasterMetrics,
  RecordResult,
  RecorderState,
  RecordingFormat,
} from './types';

/** Facts about the compiled addon. */
export interface BuildInfo {
  /** Package version the addon was built from. */
  version: string;
  /** N-API version the addon targets. */
  napiVersion: number;
  /** Alignment used to keep ring positions on separate cache lines. */
  cacheLineBytes: number;
  /** Whether 64-bit atomics are lock-free on this CPU (the rings require it). */
  lockFree64: boolean;
  /** Compiler that built the addon. */
  compiler: string;
  /** The most inputs one mixer holds (more give `ERR_TOO_MANY_INPUTS`). */
  maxInputs: number;
  /**
   * Whether the addon was built with audio device support (PortAudio's header was there). Devices
   * also need PortAudio's library at run time: without it device calls throw `ERR_NO_AUDIO_BACKEND`.
   */
  deviceSupport: boolean;
  /**
   * The widest SIMD kernels the mix runs on this CPU, chosen at load: `'avx512'`, `'avx'`, or
   * `'baseline'` (SSE2 on x86-64, NEON on ARM64). Every path gives the same bits. Setting
   * `RINGMIX_NO_AVX512=1` in the environment before the addon loads caps it at `'avx'`.
   */
  simd: 'avx512' | 'avx' | 'baseline';
}

/** Options the addon's Mixer constructor takes (already validated). */
export interface NativeMixerOptions {
  sampleRate: number;
  periodFrames: number;
  channels: number;
  clock: 'virtual' | 'simulated' | 'device';
  /** The master's look-ahead limiter stage exists (false: none, and no latency). Default true. */
  limiter?: boolean;
  /**
   * clock 'device': the output device that drives the mix (index, checked against name and host
   * API when the stream opens), and its input channels (duplex).
   */
  deviceIndex?: number;
  deviceName?: string;
  hostApi?: string;
  deviceInputChannels?: number;
  label?: string;
}

/**
 * One audio device, as PortAudio lists it: public as `DeviceInfo`, which the API reference shows
 * wherever this type is used.
 * @inline
 */
export interface NativeDeviceInfo {
  /** Index for this process's current device list (it can change when devices come and go). */
  index: number;
  name: string;
  /** The host API (driver layer): 'ALSA', 'JACK Audio Connection Kit', 'Core Audio', ... */
  hostApi: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  isDefaultInput: boolean;
  isDefaultOutput: boolean;
}

export interface NativeDeviceStatus {
  kind: 'clock' | 'input' | 'output';
  id: number;
  failed: boolean;
  callbacks: number;
  overflows: number;
  underflows: number;
  lostFrames: number;
  dropouts: number;
  lagFrames: number;
  clippedSamples: number;
  latencyMs: number;
  sampleRate: number;
  /** Outputs only: drift compensation against the mix's clock. */
  compensated?: boolean;
  ratio?: number;
  clockPpm?: number;
  driftLatencyFrames?: number;
  locked?: boolean;
  resyncs?: number;
}

export interface NativeDeviceFailure {
  kind: 'clock' | 'input' | 'output';
  id: number;
  message: string;
}

/** An input as the addon takes it (already validated). */
export type NativeInputSpec = {
  gainDb: number;
  pan: number;
  muted: boolean;
  solo: boolean;
  /** Absent: the default for the kind (on for generators and devices, off for push). */
  compensateDrift?: boolean;
  /** Absent or 0: the default for the kind. */
  targetLatencyMs?: number;
  /** Absent: every block bypassed. */
  dsp?: NativeInputDsp;
} & (
  | {
      kind: 'generator';
      generator: 'sine' | 'noise' | 'silence' | 'impulses';
      frequency: number;
      levelDb: number;
      intervalMs: number;
      clockPpm: number;
    }
  | { kind: 'push'; channels: number }
  | ({ kind: 'device'; deviceChannels: number[]; deviceRate: number; label: string } & NativeDeviceRef)
);

/**
 * A device as resolved from the device list: the addon opens `deviceIndex` only if it still names
 * this device (a rescan elsewhere can renumber devices), and otherwise looks it up by name.
 */
export interface NativeDeviceRef {
  deviceIndex: number;
  deviceName: string;
  hostApi: string;
}

export interface NativeInputMetrics {
  id: number;
  peakDb: number[];
  rmsDb: number[];
  fillFrames: number;
  underruns: number;
  overruns: number;
  ratio: number;
  clockPpm: number;
  locked: boolean;
  latencyFrames: number;
  resyncs: number;
  ppmDb: number[];
  peakHoldDb: number[];
  gainReductionDb: number;
}

export interface NativeMetrics {
  frames: number;
  cycles: number;
  xruns: number;
  skippedCycles: number;
  dspLoad: number;
  cycleUs: { mean: number; max: number };
  lateUs: { mean: number; max: number };
  realtimePriority: boolean;
  droppedEvents: number;
  inputs: NativeInputMetrics[];
  master: MasterMetrics;
}

export interface NativeEvent {
  /**
   * 'skipped': the clock dropped `value` cycles to get back on time (overload). 'resync': input
   * `id` was hard re-synced; `value` was its fill error in frames.
   */
  type: 'xrun' | 'skipped' | 'resync';
  id: number;
  frame: number;
  value: number;
}

export interface NativeTapStats {
  /** The tap's consumer id (shared with outputs). */
  id: number;
  lagFrames: number;
  dropouts: number;
  lostFrames: number;
  readFrames: number;
}

/** Options of a recording, as the addon takes them. */
export interface NativeRecordOptions {
  path: string;
  format: RecordingFormat;
  bitDepth?: number | undefined;
  bitrateKbps?: number | undefined;
  splitSeconds?: number | undefined;
  metadata?: Record<string, string> | undefined;
}

export interface NativeRecorderStatus {
  state: RecorderState;
  frames: number;
  bytes: number;
  dropouts: number;
  lostFrames: number;
  files: string[];
}

export interface NativeRecorderEvent {
  type: 'dropout' | 'error' | 'file';
  frame: number;
  lostFrames: number;
  code: string;
  message: string;
  path: string;
}

/** An input strip's DSP blocks, every field present; `compressor.sidechain`: an input id, 0 for none. */
export interface NativeInputDsp {
  highPass: HighPassSettings;
  gate: GateSettings;
  eq: EqSettings;
  compressor: Omit<CompressorSettings, 'sidechain'> & { sidechain: number };
}

export interface NativeMasterDsp {
  eq: EqSettings;
  compressor: Omit<CompressorSettings, 'sidechain'>;
  limiter: LimiterSettings;
}

/** Options of a stream's encoder, as the addon takes them. */
export interface NativeStreamOptions {
  format: 'mp3' | 'opus';
  bitrateKbps?: number | undefined;
  metadata?: Record<string, string> | undefined;
}

export interface NativeStreamInfo {
  id: number;
  bitrateKbps: number;
  contentType: string;
  inBandMetadata: boolean;
}

export interface NativeStreamTaken {
  bytes: Buffer;
  lagFrames: number | null;
  error: string | null;
}

export interface NativeStreamStats {
  framesEncoded: number;
  bytesEncoded: number;
  dropouts: number;
  lostFrames: number;
  droppedBytes: number;
  encodeSeconds: number;
}

/** A reader of the mixer's broadcast ring. */
export interface NativeTap {
  read(maxFrames: number): Float32Array;
  /** Reads whole frames into the start of `target`; returns the frames read. */
  readInto(target: Float32Array): number;
  stats(): NativeTapStats;
  /** Releases the reader (and its hold on the engine's memory). */
  close(): void;
}

export type StripParam = 'gainDb' | 'pan' | 'muted' | 'solo' | 'clockPpm' | 'masterGainDb';

/** The engine: everything the TypeScript Mixer drives. */
export interface NativeMixer {
  addInput(spec: NativeInputSpec): number;
  removeInput(id: number): void;
  set(name: StripParam, id: number, value: number | boolean): void;
  write(id: number, data: Float32Array, channels: number): number;
  writable(id: number): number;
  start(): void;
  stop(): void;
  advance(frames: number): void;
  metrics(): NativeMetrics;
  pollEvents(): NativeEvent[];
  openTap(capacityFrames: number): NativeTap;
  addOutput(
    device: NativeDeviceRef,
    deviceChannels: number,
    deviceRate: number,
    label: string,
    drift?: { compensateDrift?: boolean; targetLatencyMs: number },
  ): number;
  removeOutput(id: number): void;
  record(options: NativeRecordOptions): number;
  recorderStatus(id: number): NativeRecorderStatus;
  recorderEvents(id: number): NativeRecorderEvent[];
  stopRecorder(id: number): Promise<RecordResult>;
  /** The whole DSP parameter set of an input's strip (see NativeInputDsp). */
  setDsp(id: number, dsp: NativeInputDsp): void;
  setMasterDsp(dsp: NativeMasterDsp): void;
  resetLoudness(): void;
  stream(options: NativeStreamOptions): NativeStreamInfo;
  streamTake(id: number): NativeStreamTaken;
  streamStats(id: number): NativeStreamStats;
  /**
   * Opus: starts a new chained stream with these tags and returns its number (the first stream is
   * 0; calls before the encoder's thread served the last share its stream); MP3: false.
   */
  streamSetMetadata(id: number, tags: Record<string, string>): number | false;
  /** Flushes the encoder and ends its thread; returns the stream's last bytes. */
  stopStream(id: number): Buffer;
  deviceStatus(): NativeDeviceStatus[];
  pollDeviceFailures(): NativeDeviceFailure[];
  /** Stops accepting calls at once; stops threads and streams and frees memory on a worker thread. */
  close(): Promise<void>;
}

/** A device list, as the addon returns it. */
export interface NativeDeviceList {
  devices: NativeDeviceInfo[];
  hostApis: string[];
  /** Whether the backend was re-initialised for it (a rescan can only happen with no stream open). */
  rescanned: boolean;
}

/** Counts of the test suite's real-time guard (null when it is not preloaded). */
export interface RtGuardCounts {
  allocations: number;
  frees: number;
  locks: number;
}

export interface NativeAddon {
  info(): BuildInfo;
  rtGuardCounts(): RtGuardCounts | null;
  rtGuardSelfTest(): RtGuardCounts | null;
  rtGuardReset(): void;
  /** The cached device list (read on first use); with rescan, a fresh one (blocking). */
  listDevices(rescan?: boolean): NativeDeviceList;
  /** A fresh device list, rescanned on a worker thread. */
  rescanDevices(): Promise<NativeDeviceList>;
  Mixer: new (options: NativeMixerOptions) => NativeMixer;
}

/**
 * `fields` as an object with no prototype, for every object handed to the addon. The addon reads
 * options with [[Get]], which walks the prototype chain: on a plain object an option we leave out
 * (the engine's own `rampMs`, say) would be read from a polluted `Object.prototype`.
 */
export function nativeRecord<T extends object>(fields: T): T {
  return Object.assign(Object.create(null) as T, fields);
}

let cached: NativeAddon | undefined;

/** The addon, loaded once per JS environment (main thread or worker). */
export function native(): NativeAddon {
  if (cached === undefined) {
    const root = path.join(__dirname, '..');
    try {
      cached = nodeGypBuild(root) as NativeAddon;
    } catch (err) {
      throw new RingmixError(
        'ERR_NATIVE_LOAD',
        'ringmix: the native addon could not be loaded. Reinstall the package so it can build ' +
          '(needs cmake, a C++20 compiler and libreaderwriterqueue-dev: see scripts/setup.sh).',
        { cause: err },
      );
    }
  }
  return cached;
}
