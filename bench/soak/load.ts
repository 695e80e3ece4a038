/**
 * The load: one mixer on its own real-time clock (48 kHz, the soak's period, the limiter on) with
 * 32 inputs and every kind of consumer at once, built from the public API only.
 *
 * - 23 generators, each a virtual device on a clock of its own (skews from ±20 to ±1000 ppm, so
 *   drift compensation steers every one of them), sines, noise, impulses and silence, several
 *   with strip DSP (high-pass, EQ, compressor, gate, one compressor ducked by a push input);
 * - 8 JS push inputs (4 mono, 4 stereo), fed at real-time rate by push-feed.ts;
 * - 1 capture input on the JACK dummy device (its own clock: JACK's);
 * - 2 taps, an extra output on the same JACK device, a FLAC recording split every minute, and a
 *   128 kbit/s MP3 stream to the private icecast2 (with a listener, see listener.ts).
 */
import path from 'node:path';
import { Mixer, type Broadcast, type DeviceSelector, type Input, type InputOptions, type Output, type Recorder, type Tap } from '../..';
import type { SoakConfig } from './config';
import type { PushSource } from './push-feed';

export const GENERATORS = 23;
export const PUSH_INPUTS = 8;

export interface Load {
  mixer: Mixer;
  generators: Input[];
  push: PushSource[];
  capture: Input;
  taps: Tap[];
  output: Output;
  recorder: Recorder;
  stream: Broadcast;
}

export interface LoadPlaces {
  /** The JACK device (PortAudio's JACK host API). */
  device: DeviceSelector;
  recordDir: string;
  streamUrl: string;
  streamPassword: string;
}

/** ±20 … ±1000 ppm: ordinary crystals up to a badly off one, alternately fast and slow. */
const PPM = [20, 50, 100, 200, 500, 1000];
const LEVEL_DB = -30; // 32 inputs summed stay mostly under the limiter's ceiling

function generator(i: number): InputOptions {
  const ppm = PPM[Math.floor(i / 2) % PPM.length]! * (i % 2 === 0 ? 1 : -1);
  const kinds = ['sine', 'sine', 'noise', 'sine', 'impulses', 'sine', 'silence'] as const;
  const kind = kinds[i % kinds.length]!;
  const source =
    kind === 'sine'
      ? { generator: kind, frequency: 110 + 97 * i, levelDb: LEVEL_DB, clockPpm: ppm }
      : kind === 'impulses'
        ? { generator: kind, intervalMs: 250, levelDb: LEVEL_DB, clockPpm: ppm }
        : { generator: kind, levelDb: LEVEL_DB, clockPpm: ppm };
  const options: InputOptions = { name: `gen-${i}-${kind}${ppm > 0 ? '+' : ''}${ppm}ppm`, source, pan: ((i % 5) - 2) / 2 };
  // Strip DSP on a third of them: the cycle's cost of a realistic desk, not of bare faders.
  if (i < 4) options.highPass = { frequency: 80 + 20 * i };
  else if (i < 8) options.eq = { low: { gainDb: 3 }, mid: { frequency: 1000 + 200 * i, gainDb: -4, q: 1.4 }, high: { gainDb: 2 } };
  else if (i < 11) options.compressor = { thresholdDb: -40, ratio: 4 };
  else if (i < 13) options.gate = { thresholdDb: -50 };
  return options;
}

export function buildLoad(cfg: SoakConfig, places: LoadPlaces): Load {
  const mixer = new Mixer({ sampleRate: cfg.sampleRate, periodFrames: cfg.periodFrames, clock: 'virtual' });
  const generators = Array.from({ length: GENERATORS }, (_, i) => mixer.addInput(generator(i)));
  const push: PushSource[] = Array.from({ length: PUSH_INPUTS }, (_, i) => {
    const channels = i < PUSH_INPUTS / 2 ? 1 : 2;
    const input = mixer.addInput({ name: `push-${i}-${channels === 1 ? 'mono' : 'stereo'}`, source: { push: { channels } }, pan: i % 2 ? 0.5 : -0.5 });
    return { input, channels, frequency: 300 + 40 * i, amplitude: 10 ** (LEVEL_DB / 20) };
  });
  // A voice-over ducks a music bed: the bed's compressor listens to the first push input.
  generators[11]!.compressor = { thresholdDb: -45, ratio: 6, sidechain: push[0]!.input };
  const capture = mixer.addInput({ name: 'jack-capture', source: { device: places.device, channels: [0, 1] }, gainDb: -6 });
  const taps = [mixer.tap(), mixer.tap()];
  const output = mixer.addOutput({ device: places.device });
  const recorder = mixer.record({
    path: path.join(places.recordDir, 'soak.flac'),
    format: 'flac',
    splitSeconds: 60,
    metadata: { title: 'ringmix soak' },
  });
  const stream = mixer.stream({
    url: places.streamUrl,
    format: 'mp3',
    bitrateKbps: 128,
    password: places.streamPassword,
    name: 'ringmix soak',
  });
  return { mixer, generators, push, capture, taps, output, recorder, stream };
}
