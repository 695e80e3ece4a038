/**
 * Fader automation: someone at the desk. Every 50 ms one input's fader moves a little (round
 * robin, ±2 dB around where it started), so the mix's command queue carries a steady trickle of
 * changes, as a UI does, while everything else runs.
 */
import type { Input } from '../..';
import type { JobTimes } from './job-times';

export class FaderAutomation {
  readonly #inputs: Input[];
  readonly #base: number[];
  #timer: NodeJS.Timeout | null = null;
  #step = 0;
  moves = 0;

  constructor(inputs: Input[]) {
    this.#inputs = inputs;
    this.#base = inputs.map((i) => i.gainDb);
  }

  start(jobs: JobTimes, everyMs = 50): void {
    const move = (): void => {
      const k = this.#step % this.#inputs.length;
      this.#inputs[k]!.gainDb = this.#base[k]! + 2 * Math.sin(this.#step / 37);
      this.#step++;
      this.moves++;
    };
    this.#timer = setInterval(jobs.wrap('faderMoves', everyMs, move), everyMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
