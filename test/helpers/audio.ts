/**
 * Audio analysis for tests: tests judge audio by measuring it, not by trusting what produced it.
 */

/** An interleaved sine: `frames` frames of `channels` channels at `levelDb` dBFS peak. */
export function sine(
  frames: number,
  opts: { sampleRate: number; frequency: number; levelDb: number; channels: number; phaseFrames?: number },
): Float32Array {
  const amp = 10 ** (opts.levelDb / 20);
  const out = new Float32Array(frames * opts.channels);
  const start = opts.phaseFrames ?? 0;
  for (let i = 0; i < frames; i++) {
    const v = amp * Math.sin((2 * Math.PI * opts.frequency * (start + i)) / opts.sampleRate);
    for (let c = 0; c < opts.channels; c++) out[i * opts.channels + c] = v;
  }
  return out;
}

/** One channel of an interleaved buffer. */
export function channel(data: Float32Array, channels: number, index: number): Float32Array {
  const out = new Float32Array(Math.floor(data.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels + index] as number;
  return out;
}

/**
 * Peak amplitude of the component at `frequency` (Goertzel), in dBFS. Exact for whole cycles;
 * callers pick lengths holding an integer number of periods.
 */
export function goertzelDb(samples: Float32Array, sampleRate: number, frequency: number): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const amplitude = (2 * Math.sqrt(Math.max(power, 0))) / samples.length;
  return 20 * Math.log10(amplitude);
}

/** RMS level in dBFS (-Infinity for digital silence). */
export function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return 10 * Math.log10(sum / samples.length);
}

/**
 * Level (dBFS peak) of a tone near `frequency`: the strongest Goertzel component within ±0.1 %
 * of it. A tone from a device on another clock arrives off its nominal frequency by that clock's
 * skew once drift compensation resamples it (260 ppm is 0.26 Hz at 1 kHz, which a one-second
 * Goertzel at the exact frequency would read a decibel low).
 */
export function toneDb(samples: Float32Array, sampleRate: number, frequency: number): number {
  let best = -Infinity;
  for (let k = -10; k <= 10; k++) best = Math.max(best, goertzelDb(samples, sampleRate, frequency * (1 + k * 1e-4)));
  return best;
}

/** `measure` over consecutive windows of `window` samples, the median: one glitch does not move it. */
export function medianOverWindows(x: Float32Array, window: number, measure: (w: Float32Array) => number): number {
  const values: number[] = [];
  for (let at = 0; at + window <= x.length; at += window) values.push(measure(x.subarray(at, at + window)));
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}
