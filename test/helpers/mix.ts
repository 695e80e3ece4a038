/** Helpers for driving a mixer in tests: rendering on the simulated clock, collecting a live one. */
import type { Mixer, Tap } from '../..';
import { waitFor } from './wait';

/** Advances `frames` and returns exactly what the tap read (all of it). */
export function render(mixer: Mixer, tap: Tap, frames: number): Float32Array {
  mixer.advance(frames);
  return tap.read(frames);
}

/** dB of a linear gain. */
export const db = (gain: number): number => 20 * Math.log10(gain);

/** Reads from a tap until `frames` frames have arrived (a real-time clock produces them). */
export async function collect(mixer: Mixer, tap: Tap, frames: number): Promise<Float32Array> {
  const out = new Float32Array(frames * mixer.channels);
  let got = 0;
  await waitFor(() => {
    const chunk = tap.read(frames - got);
    out.set(chunk, got * mixer.channels);
    got += chunk.length / mixer.channels;
    return got >= frames;
  }, `${frames} frames from the mixer`);
  return out;
}

/**
 * Like collect(), but a window in which the machine glitched (an xrun of the mix, or of any input's
 * or output's device) is thrown away and collected again, up to `tries` times: on a busy shared
 * machine with no real-time scheduling a glitch is counted and reported, and a level measured
 * across one says nothing about the gain being tested.
 */
export async function collectClean(
  mixer: Mixer,
  tap: Tap,
  frames: number,
  tries = 5,
  /** Glitches counted elsewhere (an audio server's own xruns), added to the mixer's. */
  external: () => number = () => 0,
): Promise<Float32Array> {
  const glitches = (): number => {
    const m = mixer.metrics();
    let n = external() + m.xruns + (m.clockDevice?.underflows ?? 0) + (m.clockDevice?.overflows ?? 0);
    // Re-syncs and an output's skips are glitches too: each cuts or repeats a stretch of audio.
    for (const i of m.inputs) n += (i.device?.overflows ?? 0) + (i.device?.underflows ?? 0) + i.underruns + i.overruns + i.resyncs;
    for (const c of m.consumers) {
      if (c.kind === 'tap') continue; // the tap the caller reads: its own losses show in the audio's length
      n += (c.device?.underflows ?? 0) + (c.device?.overflows ?? 0) + c.dropouts + (c.resyncs ?? 0);
    }
    return n;
  };
  let audio: Float32Array = new Float32Array(0);
  const counts: number[] = [];
  for (let t = 0; t < tries; t++) {
    const before = glitches();
    tap.read();
    audio = await collect(mixer, tap, frames);
    counts.push(glitches() - before);
    if (counts[t] === 0) return audio;
  }
  // Measured across glitches, a level can fail for the machine's sake: say so beside the failure.
  console.warn(`collectClean: no window without a glitch in ${tries} tries (glitches per window: ${counts.join(', ')})`);
  return audio;
}
