/**
 * Public option and result types.
 */
import type { DeviceError, RingmixError } from './errors';
import type { Input } from './input';

/** Which audio device: its index, its exact name, `'default'`, or a name within a host API. */
export type DeviceSelector = number | string | { name: string; hostApi: string };

/** Options of {@link Mixer}. */
export interface MixerOptions {
  /** Frames per second, 8000–192000. Default 48000. */
  sampleRate?: number;
  /** Frames per mix cycle, 16–4096. Default 256 (5.3 ms at 48 kHz). */
  periodFrames?: number;
  /** Channels of the mix, 1 or 2. Default 2. */
  channels?: 1 | 2;
  /**
   * The master clock. `'virtual'` (default): an internal real-time thread waking on absolute
   * deadlines. `'simulated'`: no real time; {@link Mixer.advance} runs cycles on the calling thread,
   * deterministically. `{ output }`: the mix runs in that device's callback (needs an audio backend).
   */
  clock?: 'virtual' | 'simulated' | { output: DeviceSelector };
  /** How often the `'metrics'` event fires, 10–60000 ms. Default 100. */
  metricsIntervalMs?: number;
  /**
   * Whether the master ends in its look-ahead true-peak limiter (on at -1 dBTP; `mixer.master.limiter`
   * sets it, and bypassing it there keeps its latency, so the timeline never shifts). `false`: no
   * limiter stage at all, so no latency and the mix exactly the sum of its strips (overs reach the
   * outputs' clipping and the recordings as they are). Default true.
   */
  limiter?: boolean;
}

/** A virtual device playing a test signal, with its own clock. */
export interface GeneratorSource {
  generator: 'sine' | 'noise' | 'silence' | 'impulses';
  /** Sine frequency in Hz, above 0 and below half the sample rate. Default 440. */
  frequency?: number;
  /** Peak level in dBFS, -144–0: sine amplitude, noise bound, impulse height. Default -18. */
  levelDb?: number;
  /** Time between impulses, 1–60000 ms. Default 1000. */
  intervalMs?: number;
  /** This device's clock error against the master, -100000–100000 ppm. Default 0. */
  clockPpm?: number;
}

/** An audio capture device (through PortAudio). */
export interface DeviceSource {
  device: DeviceSelector;
  /** Which of the device's channels to take (0-based), one or two of them. */
  channels?: number[];
}

/** Audio written from JavaScript with {@link Input.write} or {@link Input.writable}. */
export interface PushSource {
  push: {
    /** Channels of the frames you write (interleaved when 2). */
    channels: 1 | 2;
    /** The rate of the frames you write; must equal the mixer's (the default). */
    sampleRate?: number;
  };
}

export type InputSource = GeneratorSource | DeviceSource | PushSource;

/** Options of {@link Mixer.addInput}. */
export interface InputOptions {
  /** A label for metrics. Default `input-<id>`. */
  name?: string;
  source: InputSource;
  /** Fader gain in dB, -144–24, or -Infinity. Default 0. */
  gainDb?: number;
  /** -1 (left) … 1 (right). Default 0. */
  pan?: number;
  muted?: boolean;
  solo?: boolean;
  /**
   * Drift compensation: keep the input's latency steady although its clock is not the master's,
   * by resampling it at a ratio that follows its measured clock (see ARCHITECTURE.md). For a
   * push input, its clock is the pace of the writes (e.g. a network stream's sender). Default: on
   * for generators and capture devices (their own clocks), off for push inputs. Never needed, and
   * ignored, for a duplex input (on the master's own device and clock). Inputs on their own clock
   * are measured either way (`clockPpm`, `latencyFrames` in the metrics).
   */
  compensateDrift?: boolean;
  /**
   * Compensated inputs: the latency to hold, in ms (0–2000; 0 or absent: the default, a couple of
   * periods of each clock, plus the device's own buffering; 50 ms for push inputs). Raised to at
   * least one period of each clock.
   */
  targetLatencyMs?: number;
  /** High-pass filter, first in the strip. Default bypassed (80 Hz, 12 dB/oct). See {@link HighPassSettings}. */
  highPass?: HighPassOptions | null;
  /** Noise gate, after the high-pass. Default bypassed. */
  gate?: GateOptions | null;
  /** 3-band EQ, after the gate. Default bypassed (flat). */
  eq?: EqOptions | null;
  /** Compressor, last before the fader; `sidechain` ducks this input under another. Default bypassed. */
  compressor?: CompressorOptions | null;
}

/**
 * High-pass filter: Butterworth, `slope` 12 (one biquad) or 24 dB/octave (two), -3 dB at
 * `frequency` (10–1000 Hz).
 */
export interface HighPassSettings {
  enabled: boolean;
  frequency: number;
  slope: 12 | 24;
}
/** One EQ band: frequency 20–20000 Hz (below 45% of the sample rate), gain ±18 dB, Q 0.1–10. */
export interface EqBandSettings {
  frequency: number;
  gainDb: number;
  q: number;
}
/** 3-band EQ (RBJ cookbook): low shelf, peaking mid, high shelf. */
export interface EqSettings {
  enabled: boolean;
  low: EqBandSettings;
  mid: EqBandSettings;
  high: EqBandSettings;
}
/**
 * Compressor: feed-forward, stereo-linked, its detector reading the signal's peak in dBFS (a
 * square wave of amplitude A reads 20·log10 A). thresholdDb -80–0, ratio 1–100, attackMs 0.1–1000,
 * releaseMs 1–5000 (time constants), kneeDb 0–24 (soft knee width), makeupDb -24–24.
 */
export interface CompressorSettings {
  enabled: boolean;
  thresholdDb: number;
  ratio: number;
  attackMs: number;
  releaseMs: number;
  kneeDb: number;
  makeupDb: number;
  /** An input of the same mixer whose signal drives the detector (ducking); null: this input's own. */
  sidechain: Input | null;
}
/**
 * Noise gate: opens above thresholdDb (-100–0 dBFS peak), stays open holdMs (0–5000) after the
 * signal falls below it, then closes to -rangeDb (0–100 dB) over releaseMs; opens over attackMs.
 */
export interface GateSettings {
  enabled: boolean;
  thresholdDb: number;
  rangeDb: number;
  attackMs: number;
  holdMs: number;
  releaseMs: number;
}
/** The master's look-ahead true-peak limiter: ceilingDbtp -24–0, releaseMs 1–5000. On by default at -1 dBTP. */
export interface LimiterSettings {
  enabled: boolean;
  ceilingDbtp: number;
  releaseMs: number;
}
/**
 * What the DSP setters take: any part of the settings, merged into the current ones (a block is
 * enabled by assigning it unless `enabled: false` is given; `null` bypasses it).
 */
export type HighPassOptions = Partial<HighPassSettings>;
export type EqOptions = { enabled?: boolean; low?: Partial<EqBandSettings>; mid?: Partial<EqBandSettings>; high?: Partial<EqBandSettings> };
export type CompressorOptions = Partial<CompressorSettings>;
export type GateOptions = Partial<GateSettings>;
export type LimiterOptions = Partial<LimiterSettings>;

/** EBU R128 / ITU-R BS.1770-4 loudness of the master's output. -Infinity until there is something to measure. */
export interface LoudnessMetrics {
  /** Over the last 400 ms, LUFS. */
  momentaryLufs: number;
  /** Over the last 3 s, LUFS. */
  shortTermLufs: number;
  /** Gated (absolute -70 LUFS, relative -10 LU), since the last `resetLoudness()`. */
  integratedLufs: number;
  /** Loudness range (EBU Tech 3342), LU, since the last reset. */
  rangeLu: number;
  /** 4× oversampled true peak, dBTP, the maximum since the last reset. */
  truePeakDbtp: number;
}

/** The master's metrics. */
export interface MasterMetrics {
  /** Peak and RMS per channel over the meter window, dBFS, after the limiter. */
  peakDb: number[];
  rmsDb: number[];
  /** Peak programme meter: sample peak with IEC 60268-18 style decay, and its held maximum. */
  ppmDb: number[];
  peakHoldDb: number[];
  /** What the master's compressor and limiter take off now, dB (0: nothing). */
  gainReductionDb: { compressor: number; limiter: number };
  /** The master chain's constant delay (the limiter's look-ahead), frames. */
  latencyFrames: number;
  loudness: LoudnessMetrics;
}

/** Options of {@link Mixer.addOutput}. */
export interface OutputOptions {
  device: DeviceSelector;
  /**
   * Drift compensation: keep the device's lag behind the mix steady although its clock is not the
   * mixer's, by resampling the mix at a ratio that follows it. Default on.
   */
  compensateDrift?: boolean;
  /**
   * Compensated outputs: the lag behind the mix to hold, in ms (0–2000; 0 or absent: two mix
   * periods plus one of the device's). Raised to at least one period of each clock.
   */
  targetLatencyMs?: number;
}

/** Options of {@link Mixer.tap}. */
export interface TapOptions {
  /**
   * How far the tap may fall behind before it drops frames, in frames. Default: one second. At most
   * the broadcast ring (two seconds or more).
   */
  capacityFrames?: number;
}

/** Metrics of one input, over the meter window (the last 100 ms). */
export interface InputMetrics {
  id: number;
  name: string;
  /** Post-fader peak per input channel, dBFS (-Infinity for silence). */
  peakDb: number[];
  /** Post-fader RMS per input channel, dBFS. */
  rmsDb: number[];
  /**
   * Frames waiting in the input's ring (0 for a generator the simulated clock's cycle renders
   * itself: one at 0 ppm, compensated).
   */
  fillFrames: number;
  /** Cycles that found fewer frames than they needed (padded with silence). */
  underruns: number;
  /** Frames the producer could not write because the ring was full (lost), or dropped by a re-sync. */
  overruns: number;
  /**
   * Input frames the mix takes per mix frame now: 1 (times the rate ratio for a device at another
   * rate) while no drift is compensated; it follows the input's clock when it is.
   */
  ratio: number;
  /** The input's clock against the master's, in ppm, as measured (0 for push inputs not compensated). */
  clockPpm: number;
  /**
   * Compensated and holding its target latency (always true for a duplex input, and for a
   * generator the simulated clock's cycle renders itself).
   */
  locked: boolean;
  /**
   * Frames waiting for the mix (smoothed over the input's callbacks), in mix frames. For a
   * generator the simulated clock's cycle renders itself, the fill its ring would hold: the
   * signal keeps that ring's time line.
   */
  latencyFrames: number;
  /** Hard re-syncs: the latency was beyond repair by resampling and was reset at once. */
  resyncs: number;
  /** Peak programme meter (post-fader): sample peak with IEC 60268-18 style decay, and its held maximum. */
  ppmDb: number[];
  peakHoldDb: number[];
  /** What the compressor and the gate take off now, dB (0: nothing). */
  gainReductionDb: number;
  /** Device inputs: the capture stream's state. */
  device?: DeviceStreamMetrics;
}

/** The state of one device stream. */
export interface DeviceStreamMetrics {
  /** The device stopped or went silent; an input then reads as silence. */
  failed: boolean;
  /** Buffers the device's callback has delivered. */
  callbacks: number;
  /** Input: the device's own overflow flags (audio lost inside the driver). */
  overflows: number;
  /** Output: the device's underflow flags plus buffers we had to pad with silence. */
  underflows: number;
  /**
   * Output and clock devices: samples of the mix that were beyond full scale (±1) and were
   * clipped on their way to the device (taps and other consumers get the float mix unclipped).
   */
  clippedSamples: number;
  /** The device's own buffering, as PortAudio reports it. */
  latencyMs: number;
  /** The rate the device runs at. */
  sampleRate: number;
}

/** Metrics of one consumer of the mix. */
export interface ConsumerMetrics {
  id: number;
  kind: 'tap' | 'output';
  /** Frames produced but not yet read by this consumer. */
  lagFrames: number;
  /** Times the consumer fell behind and skipped ahead. */
  dropouts: number;
  /** Frames it lost in those dropouts, exactly. */
  lostFrames: number;
  /** Outputs: the device stream's state. */
  device?: DeviceStreamMetrics;
  /** Outputs: mix frames taken per device frame now (see {@link InputMetrics.ratio}). */
  ratio?: number;
  /** Outputs: the device's clock against the mixer's, in ppm, as measured (compensated outputs). */
  clockPpm?: number;
  /** Outputs: compensated and holding its target lag. */
  locked?: boolean;
  /** Outputs: its lag behind the mix (smoothed when compensated), in mix frames. */
  latencyFrames?: number;
  /** Outputs: hard re-syncs (its lag was beyond repair and was reset at once). */
  resyncs?: number;
}

/** A snapshot of the engine, from {@link Mixer.metrics} or the `'metrics'` event. */
export interface Metrics {
  /** Mix frames produced. */
  frames: number;
  cycles: number;
  /**
   * Cycles that finished after their deadline (or a device's underflow under a device clock),
   * plus each time the clock had to skip cycles to get back on time.
   */
  xruns: number;
  /**
   * Cycles the clock skipped because the machine could not keep up (overload): the mix degrades
   * by dropping whole periods rather than by starving the machine's other threads.
   */
  skippedCycles: number;
  /** Last cycle's processing time divided by the period. */
  dspLoad: number;
  /** Cycle processing time: mean since start, max over the last second. */
  cycleUs: { mean: number; max: number };
  /** Clock wake-up lateness: mean since start, max over the last second. */
  lateUs: { mean: number; max: number };
  /** Whether the clock thread runs with real-time (SCHED_FIFO) priority. */
  realtimePriority: boolean;
  /** Real-time events dropped because JS did not collect them in time. */
  droppedEvents: number;
  inputs: InputMetrics[];
  master: MasterMetrics;
  consumers: ConsumerMetrics[];
  /** With a device clock: the output device driving the mix. */
  clockDevice?: DeviceStreamMetrics;
}

/** Payload of the `'xrun'` event. */
export interface XrunEvent {
  /** Mix frame position when it happened. */
  frame: number;
  /** How far past its deadline the cycle finished, in microseconds (0 when unknown). */
  overUs: number;
  /** Cycles the clock skipped to get back on time (overload); 0 for a late cycle. */
  skippedCycles: number;
}

/**
 * Payload of the `'deviceError'` event: a {@link DeviceError}, which is a `RingmixError` with code
 * `'ERR_DEVICE'` that also says where it happened.
 */
export interface DeviceErrorEvent extends RingmixError {
  readonly code: 'ERR_DEVICE';
  /** Which stream: the clock's output device, an input, or an extra output. */
  readonly kind: 'clock' | 'input' | 'output';
  /** Input or output id (0 for the clock). */
  readonly id: number;
  /** The device's name. */
  readonly device: string;
}

/** Payload of the `'resync'` event. */
export interface ResyncEvent {
  /** An input (its id) or an extra output (its consumer id). */
  kind: 'input' | 'output';
  id: number;
  /** Mix frame position when it happened (when it was noticed, for an output). */
  frame: number;
  /** How far its latency was from the target, in frames (negative: it ran dry; NaN: not known, outputs). */
  errorFrames: number;
}

/** Payload of the `'dropout'` event. */
export interface DropoutEvent {
  consumerId: number;
  /** A tap (reported by its next read) or an output device (reported by the next poll). */
  kind: 'tap' | 'output';
  /** Frames lost in this dropout. */
  lostFrames: number;
}

/** A recording's file format. */
export type RecordingFormat = 'wav' | 'flac' | 'mp3' | 'opus';

/** Options of {@link Mixer.record}. */
export interface RecordOptions {
  /** The file to write (created or truncated). With `splitSeconds`: the name the numbered files are made from. */
  path: string;
  /** Default 'wav'. */
  format?: RecordingFormat;
  /** WAV: 16 or 24 (integer PCM; 16-bit is dithered) or 32 (float, the mix bit for bit). Default 24. */
  bitDepth?: 16 | 24 | 32;
  /**
   * MP3 and Opus: the encoder's bit rate in kbit/s. MP3: one of MPEG's rates for the sample rate
   * (default 192, or the highest below it the rate allows). Opus: 6 to 510 (default 128 stereo,
   * 64 mono; constrained VBR).
   */
  bitrateKbps?: number;
  /**
   * Writes consecutive files of this many seconds (`show.wav` → `show-001.wav`, `show-002.wav`,
   * ...) with no gap and no frame twice. Default: one file.
   */
  splitSeconds?: number;
  /** Tags: title, artist, comment, date, genre, software (WAV: a LIST/INFO chunk). */
  metadata?: Record<string, string>;
}

/** What {@link Recorder.stop} resolves with. */
export interface RecordResult {
  /** Frames written (the silence written for lost frames included). */
  frames: number;
  /** Times the recorder fell behind the mix and lost frames (written as silence). */
  dropouts: number;
  /** Frames lost in those dropouts, exactly. */
  lostFrames: number;
  /** The files written, in order. */
  files: string[];
}

/** A recorder's state. */
export type RecorderState = 'recording' | 'stopped' | 'failed';

/** Events of a {@link Recorder}. */
export interface RecorderEvents {
  /** The recorder fell behind the mix: `lostFrames` frames were written as silence at `frame`. */
  dropout: [{ frame: number; lostFrames: number }];
  /** A split file was completed (the next one is being written). */
  file: [{ path: string; frame: number }];
  /** A file error (`RecordingError`, code `ERR_RECORDING`): the recording stopped; the mix goes on. */
  error: [RingmixError];
}

/** A live stream's format: MP3 (`audio/mpeg`) or Ogg/Opus (`audio/ogg`). */
export type StreamFormat = 'mp3' | 'opus';

/** Options of {@link Mixer.stream}. */
export interface StreamOptions {
  /**
   * The Icecast mount to stream to: `http://[user:password@]host:port/mount`. Credentials in the
   * URL are used to log in and never shown: `broadcast.url` and every message carry
   * `http://host:port/mount` only.
   */
  url: string;
  /** Default 'mp3'. */
  format?: StreamFormat;
  /** The encoder's bit rate. MP3 default 192 (at 32 kHz and up); Opus default 128 (stereo), 64 (mono). */
  bitrateKbps?: number;
  /** `ice-name`, `ice-description`, `ice-genre`: what the server and its directory show. */
  name?: string;
  description?: string;
  genre?: string;
  /** `ice-public`: list the stream in public directories. Default false. */
  public?: boolean;
  /** Source user; wins over the URL's. Default 'source'. */
  user?: string;
  /** Source password; wins over the URL's. */
  password?: string;
}

/** What {@link Broadcast.stats} returns. */
export interface BroadcastStats {
  status: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped' | 'failed';
  connected: boolean;
  /** Bytes handed to the server's connection. */
  bytesSent: number;
  /** Connections made after the first. */
  reconnects: number;
  /** Connection attempts made. */
  attempts: number;
  /**
   * How far the newest audio sent lags the mix, in ms: the encoder's look-ahead plus the read and
   * send delays (null before anything was encoded); and the most it has been.
   */
  encoderLagMs: number | null;
  maxEncoderLagMs: number;
  /** Times the encoder fell behind the mix, and the frames it lost (sent as silence of the exact length). */
  dropouts: number;
  lostFrames: number;
  /** The mix's frames encoded, and the bytes the encoder produced. */
  framesEncoded: number;
  bytesEncoded: number;
  /** Bytes discarded while no connection was up (live audio is not kept for later). */
  discardedBytes: number;
  /** Bytes dropped because the connection (or this process) fell seconds behind. */
  droppedBytes: number;
  /** CPU time the encoder thread spent encoding, in seconds (its cost). */
  encodeCpuSeconds: number;
}

/** Events of a {@link Broadcast}. */
export interface BroadcastEvents {
  /** The server took the stream (after a drop too: `reconnects` counts them). */
  connected: [{ url: string; protocol: 'PUT' | 'SOURCE'; reconnects: number }];
  /** An attempt failed or the connection was lost; `retryInMs` says when the next attempt starts. */
  disconnected: [
    {
      reason: 'unreachable' | 'closed' | 'timeout' | 'mount-in-use' | 'rejected';
      message: string;
      statusCode?: number;
      wasConnected: boolean;
      retryInMs: number;
    },
  ];
  /** The encoder fell behind the mix: `lostFrames` were sent as silence. */
  dropout: [{ lostFrames: number }];
  /**
   * The stream ended for good: `ERR_STREAM_AUTH` (the server refused the login: no retry) or
   * `ERR_STREAM` (the encoder failed). With no listener, reported by `process.emitWarning`.
   */
  error: [RingmixError];
}

/** Events of a {@link Mixer}. */
export interface MixerEvents {
  /** A metrics snapshot, every `metricsIntervalMs` while anyone listens. */
  metrics: [Metrics];
  /** A cycle finished after its deadline. */
  xrun: [XrunEvent];
  /** A drift-compensated input's latency was beyond repair and was reset at once (counted in `resyncs`). */
  resync: [ResyncEvent];
  /** A consumer (tap or output) fell behind and skipped ahead. */
  dropout: [DropoutEvent];
  /**
   * A device stream failed; everything else keeps running. When it is the clock's device
   * (`kind: 'clock'`) the mix itself has stopped: `running` turns false, commands are still
   * accepted (applied on the JS thread), and `start()` reopens the device.
   */
  deviceError: [DeviceError];
  /**
   * The mixer's own polling timer (metrics, events, device failures) failed: a coded
   * RingmixError (`ERR_INTERNAL` when the failure had no code of its own). The timer never
   * throws: with no `'error'` listener the failure is reported once with `process.emitWarning`
   * instead, because an unhandled `'error'` event would crash the host process. Polling goes on.
   *
   * An exception thrown by one of your own listeners (of any event) is not caught: it propagates
   * from the timer as from any `emit` (an uncaught exception, unless you handle those), after the
   * other events of that poll were delivered; later polls still run.
   */
  error: [RingmixError];
}
