/** Helpers for driving a simulated-clock mixer in tests. */
import type { Mixer, Tap } from '../..';

/** Advances `frames` and returns exactly what the tap read (all of it). */
export function render(mixer: Mixer, tap: Tap, frames: number): Float32Array {
  mixer.advance(frames);
  return tap.read(frames);
}

/** dB of a linear gain. */
export const db = (gain: number): number => 20 * Math.log10(gain);
