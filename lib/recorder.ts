/**
 * A recording of the mix: written to files on a native thread of its own, which reads the mix at
 * its own pace. A recorder that falls behind (a stalled disk) writes the frames it lost as silence
 * of the exact length, so the file's timeline stays true, and reports a `'dropout'`. A disk error
 * is an `'error'` event; the mix and every other consumer go on, and what was written stays
 * playable.
 */
import { EventEmitter } from 'node:events';
import { RingmixError, callNative, callNativeAsync } from './errors';
import type { NativeMixer, NativeRecorderEvent } from './native';
import type { RecordingFormat, RecordResult, RecorderEvents, RecorderState } from './types';

/**
 * A file error while recording: code `ERR_RECORDING`; `errno` says which ('ENOSPC', 'EACCES',
 * 'ENOENT', ...), `path` which file.
 */
export class RecordingError extends RingmixError {
  declare readonly code: 'ERR_RECORDING';
  /** The system's error name, as Node's own file errors have it in `code`. */
  readonly errno: string;
  /** The file being written. */
  readonly path: string;

  /** @internal */
  constructor(errno: string, path: string, message: string, options?: { cause?: unknown }) {
    super('ERR_RECORDING', message, options);
    this.name = 'RecordingError';
    this.errno = errno;
    this.path = path;
  }
}

interface Snapshot {
  state: RecorderState;
  frames: number;
  bytes: number;
  files: string[];
}

/** What a Recorder needs from its mixer. @internal */
export interface RecorderHost {
  engine(): NativeMixer | null;
  recorderStopped(recorder: Recorder): void;
}

/** A recording in progress, from {@link Mixer.record}. */
export class Recorder extends EventEmitter<RecorderEvents> {
  /** Id in the mixer's consumers' id space. */
  readonly id: number;
  /** The path asked for (with `splitSeconds`, the files are numbered: see `files`). */
  readonly path: string;
  readonly format: RecordingFormat;
  readonly #host: RecorderHost;
  #stopping: Promise<RecordResult> | null = null;
  #last: Snapshot = {
    state: 'recording',
    frames: 0,
    bytes: 0,
    files: [],
  };

  /** @internal */
  constructor(host: RecorderHost, id: number, path: string, format: RecordingFormat) {
    super();
    this.#host = host;
    this.id = id;
    this.path = path;
    this.format = format;
  }

  /** 'recording' until stopped; 'failed' after a file error (see the `'error'` event). */
  get status(): RecorderState {
    return this.#refresh().state;
  }

  /** Frames written so far (silence written for lost frames included). */
  get frames(): number {
    return this.#refresh().frames;
  }

  /** Bytes written so far, over all files. */
  get bytes(): number {
    return this.#refresh().bytes;
  }

  /** The files written so far (more than one with `splitSeconds`). */
  get files(): readonly string[] {
    return this.#refresh().files;
  }

  /**
   * Writes what the mix produced up to this call, completes the file and resolves with what was
   * recorded. Idempotent.
   */
  stop(): Promise<RecordResult> {
    if (this.#stopping) return this.#stopping;
    const engine = this.#host.engine();
    if (engine === null) {
      this.#stopping = Promise.resolve({ frames: this.#last.frames, dropouts: 0, lostFrames: 0, files: this.#last.files });
      return this.#stopping;
    }
    this.#refresh();
    this.collect(engine).forEach((d) => d());
    this.#stopping = callNativeAsync(() => engine.stopRecorder(this.id)).then((r) => {
      this.#last = { ...this.#last, state: this.#last.state === 'failed' ? 'failed' : 'stopped', frames: r.frames, files: r.files };
      this.#host.recorderStopped(this);
      return r;
    });
    return this.#stopping;
  }

  /**
   * The recorder's events since the last look, as deliveries (the mixer delivers them with its
   * own, on its polling timer and after `advance()`). @internal
   */
  collect(engine: NativeMixer): (() => void)[] {
    if (this.#stopping) return [];
    const events: NativeRecorderEvent[] = callNative(() => engine.recorderEvents(this.id));
    return events.map((ev) => {
      if (ev.type === 'dropout') {
        const payload = { frame: ev.frame, lostFrames: ev.lostFrames };
        return () => void this.emit('dropout', payload);
      }
      if (ev.type === 'file') {
        const payload = { path: ev.path, frame: ev.frame };
        return () => void this.emit('file', payload);
      }
      const error = new RecordingError(ev.code, ev.path, `recording to ${ev.path} failed: ${ev.message}`);
      // An 'error' event with no listener would crash the host process: warn instead.
      return () => {
        if (this.listenerCount('error') > 0) this.emit('error', error);
        else process.emitWarning(error);
      };
    });
  }

  #refresh(): Snapshot {
    const engine = this.#host.engine();
    if (engine === null || this.#stopping) return this.#last;
    const s = callNative(() => engine.recorderStatus(this.id));
    this.#last = { state: s.state, frames: s.frames, bytes: s.bytes, files: s.files };
    return this.#last;
  }
}
