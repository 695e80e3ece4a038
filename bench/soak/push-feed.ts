/**
 * The JS push inputs' producer: writes each input's audio at real-time rate, as a network stream
 * or a JS synth would, `leadMs` ahead of the mix (its jitter buffer). Paced by elapsed time on
 * performance.now(), which is CLOCK_MONOTONIC like the mixer's clock, so the rates match exactly
 * and the fill stays at the lead; after an event-loop stall it catches up at once. The audio is a
 * one-second loop of a tone with a whole number of cycles in it, written by views: no allocation
 * per write beyond a subarray.
 */
import type { Input } from '../..';
import type { JobTimes } from './job-times';

export interface PushSource {
  input: Input;
  channels: 1 | 2;
  frequency: number;
  amplitude: number;
}

export interface PushFeedStats {
  /** Frames of each source's timeline fed so far (refused ones included). */
  written: number[];
  /** Frames write() refused (the ring was full: the input counts them as overruns). */
  refused: number[];
}

/** One second of a tone, interleaved: whole cycles (integer frequency), so it loops seamlessly. */
function loop(rate: number, channels: 1 | 2, frequency: number, amplitude: number): Float32Array {
  const buf = new Float32Array(rate * channels);
  for (let i = 0; i < rate; i++) {
    const x = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate);
    for (let c = 0; c < channels; c++) buf[i * channels + c] = x;
  }
  return buf;
}

export class PushFeed {
  readonly #sources: PushSource[];
  readonly #loops: Float32Array[];
  readonly #rate: number;
  readonly #leadFrames: number;
  readonly #everyMs: number;
  readonly #written: number[];
  readonly #refused: number[];
  #t0 = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(sources: PushSource[], rate: number, leadMs: number, everyMs: number) {
    if (sources.some((s) => !Number.isInteger(s.frequency))) throw new Error('push tones need integer frequencies (seamless loops)');
    this.#sources = sources;
    this.#rate = rate;
    this.#leadFrames = Math.round((leadMs * rate) / 1000);
    this.#everyMs = everyMs;
    this.#loops = sources.map((s) => loop(rate, s.channels, s.frequency, s.amplitude));
    this.#written = sources.map(() => 0);
    this.#refused = sources.map(() => 0);
  }

  /** Writes the lead now and keeps writing from here on; call right before `mixer.start()`. */
  start(jobs: JobTimes): void {
    this.#t0 = performance.now();
    this.#feed();
    this.#timer = setInterval(jobs.wrap('pushWrites', this.#everyMs, () => this.#feed()), this.#everyMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  stats(): PushFeedStats {
    return { written: [...this.#written], refused: [...this.#refused] };
  }

  #feed(): void {
    const due = Math.floor(((performance.now() - this.#t0) * this.#rate) / 1000) + this.#leadFrames;
    this.#sources.forEach((s, i) => {
      let want = due - this.#written[i]!;
      while (want > 0) {
        const at = this.#written[i]! % this.#rate; // where in the one-second loop
        const n = Math.min(want, this.#rate - at);
        const took = s.input.write(this.#loops[i]!.subarray(at * s.channels, (at + n) * s.channels));
        this.#written[i]! += took;
        want -= took;
        if (took < n) {
          // Full: a live source cannot wait, so what did not fit is lost (the input counts it in
          // its overruns too) and the feed goes on from where real time is.
          this.#refused[i]! += want;
          this.#written[i]! += want;
          break;
        }
      }
    });
  }
}
