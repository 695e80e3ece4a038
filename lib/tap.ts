/**
 * A JS reader of the mix: reads at its own pace from the broadcast ring; if it falls behind it
 * loses frames (counted exactly), never slowing the mix.
 */
import { Readable } from 'node:stream';
import { RingmixError } from './errors';
import type { NativeTap, NativeTapStats } from './native';
import { checkFloat32Array, checkNumber } from './validate';

/** What a Tap needs from its mixer. @internal */
export interface TapHost {
  readonly channels: number;
  readonly periodMs: number;
  readonly closed: boolean;
  tapClosed(tap: Tap): void;
  /** Called with the frames lost when a read found a dropout. */
  dropout(tap: Tap, lostFrames: number): void;
}

/**
 * A JS reader of the mix, from {@link Mixer.tap}. Disposable: `using tap = mixer.tap()` closes it
 * at the end of the block.
 */
export class Tap {
  /** Id in `metrics().consumers`. */
  readonly id: number;
  /** Frames the tap may fall behind before it drops (the `capacityFrames` option, bounded). */
  readonly capacityFrames: number;
  readonly #host: TapHost;
  readonly #native: NativeTap;
  #closed = false;
  #lostReported = 0;
  #readable: Readable | null = null;

  /** @internal */
  constructor(host: TapHost, native: NativeTap, id: number, capacityFrames: number) {
    this.#host = host;
    this.#native = native;
    this.id = id;
    this.capacityFrames = capacityFrames;
  }

  /**
   * Returns up to `maxFrames` of the oldest unread frames, interleaved (length = frames × channels).
   * Never blocks: returns an empty array when nothing is new.
   */
  read(maxFrames: number = this.capacityFrames): Float32Array {
    this.#check();
    checkNumber(maxFrames, 'maxFrames', 0, 16777216, { integer: true });
    const data = this.#native.read(maxFrames);
    this.#reportLoss();
    return data;
  }

  /**
   * {@link read} into a buffer of yours: writes up to `target.length / channels` of the oldest
   * unread frames (whole frames, interleaved) at the start of `target` and returns how many
   * frames it wrote (0 when nothing is new). Allocates nothing, so a reader that polls often, or
   * renders a long mix into one buffer (`tap.readInto(out.subarray(done * channels))`), makes no
   * garbage.
   */
  readInto(target: Float32Array): number {
    this.#check();
    const { array } = checkFloat32Array(target, 'target');
    const frames = this.#native.readInto(array);
    this.#reportLoss();
    return frames;
  }

  /**
   * A Node `Readable` of the mix as interleaved 32-bit float samples (native byte order). It reads
   * as fast as it is consumed; a consumer slower than real time loses frames like any tap.
   */
  readable(): Readable {
    this.#check();
    if (this.#readable) return this.#readable;
    let timer: NodeJS.Timeout | null = null;
    const stream = new Readable({
      read: () => {
        const pump = (): void => {
          timer = null;
          if (this.#closed || this.#host.closed) {
            stream.push(null);
            return;
          }
          const data = this.#native.read(this.capacityFrames);
          this.#reportLoss();
          if (data.length > 0) stream.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
          else timer = setTimeout(pump, this.#host.periodMs);
        };
        pump();
      },
      destroy: (err, callback) => {
        if (timer) clearTimeout(timer);
        callback(err);
      },
    });
    this.#readable = stream;
    return stream;
  }

  /** Frames produced but not yet read. */
  get lagFrames(): number {
    return this.#stats().lagFrames;
  }
  /** Times this tap fell behind and skipped ahead. */
  get dropouts(): number {
    return this.#stats().dropouts;
  }
  /** Frames lost in those dropouts, exactly. */
  get lostFrames(): number {
    return this.#stats().lostFrames;
  }

  /**
   * Stops reading; the readable (if any) ends. Idempotent, also after the mixer closed (which
   * closes its taps), so that disposing a tap never throws.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.close();
    this.#readable?.push(null);
    this.#host.tapClosed(this);
  }

  /** Closes the tap: `using tap = mixer.tap()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  stats(): NativeTapStats {
    return this.#native.stats();
  }

  #stats(): NativeTapStats {
    this.#check();
    return this.#native.stats();
  }

  #reportLoss(): void {
    const lost = this.#native.stats().lostFrames;
    if (lost > this.#lostReported) {
      const delta = lost - this.#lostReported;
      this.#lostReported = lost;
      this.#host.dropout(this, delta);
    }
  }

  #check(): void {
    if (this.#host.closed) throw new RingmixError('ERR_CLOSED', 'the mixer is closed');
    if (this.#closed) throw new RingmixError('ERR_CLOSED', `tap ${this.id} is closed`);
  }
}
