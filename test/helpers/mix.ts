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
