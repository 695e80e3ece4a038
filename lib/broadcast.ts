/**
 * A live stream of the mix to an Icecast server. The mix is encoded (MP3 or Ogg/Opus) on a native
 * thread of its own that reads the mix at the audio's pace; this side takes the encoded bytes every
 * few milliseconds and hands them to the Icecast source client (icecast/source-client.ts), which
 * connects, reconnects with backoff and sends them. Bytes are sent as the audio makes them, never
 * faster: the stream starts at the newest frame, and while no connection is up the audio is
 * discarded (a listener wants the show live, not late).
 *
 * Credentials stay inside the source client: nothing here holds or prints them.
 */
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { RingmixError, callNative } from './errors';
import { IcecastSource } from './icecast/source-client';
import type { ConnectedEvent, DisconnectedEvent, IcecastStatus, StreamMetadata } from './icecast/types';
import type { NativeMixer, NativeStreamInfo } from './native';
import { firstOggBos, oggBosOffsets } from './ogg-pages';
import type { BroadcastEvents, BroadcastStats, StreamFormat } from './types';

/** How often the encoded bytes are taken and sent: well under a listener's buffer, cheap for JS. */
const PUMP_MS = 20;

/** What a Broadcast needs from its mixer. @internal */
export interface BroadcastHost {
  engine(): NativeMixer | null;
  readonly sampleRate: number;
  broadcastStopped(broadcast: Broadcast): void;
}

/** A live stream in progress, from {@link Mixer.stream}. */
export class Broadcast extends EventEmitter<BroadcastEvents> {
  /** Id in the mixer's consumers' id space. */
  readonly id: number;
  /** The stream's URL without credentials: `http://host:port/mount`. */
  readonly url: string;
  readonly format: StreamFormat;
  /** The bit rate the encoder runs at (the format's default applied). */
  readonly bitrateKbps: number;
  readonly #host: BroadcastHost;
  readonly #source: IcecastSource;
  readonly #timer: NodeJS.Timeout;
  #stopping: Promise<void> | null = null;
  #encoderStopped = false;
  #failed = false;
  /** Ogg: after a (re)connection, bytes are held back until a new chained stream begins. */
  #awaitingBos = false;
  /** Ogg: the newest chained stream asked for (the first is 0), and first pages (BOS) taken since it began. */
  #chainsAsked = 0;
  #chainsTaken = 0;
  /** Ogg: setMetadata() calls waiting for their chain's first page to be sent. */
  #chainWaiters: { chain: number; resolve: () => void }[] = [];
  #tags: Record<string, string> = {};
  #lagMs: number | null = null;
  #maxLagMs = 0;
  #last = { framesEncoded: 0, bytesEncoded: 0, dropouts: 0, lostFrames: 0, droppedBytes: 0, encodeSeconds: 0 };

  /** @internal */
  constructor(host: BroadcastHost, info: NativeStreamInfo, source: IcecastSource) {
    super();
    this.#host = host;
    this.id = info.id;
    this.bitrateKbps = info.bitrateKbps;
    this.#source = source;
    this.url = source.url;
    this.format = source.format;
    source.on('connected', (e: ConnectedEvent) => {
      // A server (and every listener joining) needs an Ogg stream's header pages first: start a
      // new chained stream now and send from its first page on.
      if (this.format === 'opus') this.#restartChain(true);
      this.emit('connected', e);
    });
    source.on('disconnected', (e: DisconnectedEvent) => void this.emit('disconnected', e));
    source.on('error', (e: RingmixError) => this.#fail(e));
    source.on('metadata', (m: StreamMetadata) => {
      this.#tags = m.artist === undefined ? { title: m.title } : { title: m.title, artist: m.artist };
      this.#restartChain(false);
    });
    this.#timer = setInterval(() => this.#pump(), PUMP_MS);
    this.#timer.unref?.();
    source.start();
  }

  /**
   * Where the stream stands: 'connecting', 'connected', 'reconnecting', 'stopped', or 'failed'
   * (the server refused the login, or the encoder failed: see the `'error'` event).
   */
  get status(): IcecastStatus {
    return this.#failed ? 'failed' : this.#source.status;
  }

  /**
   * Counters of the stream: what was sent, reconnections, how far the sent audio lags the mix
   * (`encoderLagMs`: the encoder's look-ahead plus the read and send delays), and the mix's frames
   * the encoder lost by falling behind (sent as silence of the exact length).
   */
  stats(): BroadcastStats {
    this.#refresh();
    const s = this.#source.stats();
    return {
      status: s.status,
      connected: s.connected,
      bytesSent: s.bytesSent,
      reconnects: s.reconnects,
      attempts: s.attempts,
      encoderLagMs: this.#lagMs,
      maxEncoderLagMs: this.#maxLagMs,
      dropouts: this.#last.dropouts,
      lostFrames: this.#last.lostFrames,
      framesEncoded: this.#last.framesEncoded,
      bytesEncoded: this.#last.bytesEncoded,
      discardedBytes: s.discardedBytes,
      droppedBytes: s.droppedBytes + this.#last.droppedBytes,
      encodeCpuSeconds: this.#last.encodeSeconds,
    };
  }

  /**
   * The title now playing. MP3: sent to the server's `/admin/metadata` (again after every
   * reconnection); resolves once the server took it. Opus: carried in the stream as the comments
   * of a new chained Ogg stream; resolves once that stream's first page went to the server (at
   * once when not connected: the next connection starts with it).
   */
  async setMetadata(metadata: StreamMetadata): Promise<void> {
    const result = await this.#source.setMetadata(metadata);
    if (result === 'in-band' && this.#source.connected && !this.#encoderStopped) {
      const chain = this.#chainsAsked; // the chain the 'metadata' event above asked for
      await new Promise<void>((resolve) => this.#chainWaiters.push({ chain, resolve }));
    }
  }

  /** Ends the stream: the encoder's last bytes are sent and the connection closed. Idempotent. */
  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#stopEncoder(true);
    this.#stopping = this.#source.stop();
    return this.#stopping;
  }

  override toString(): string {
    return `Broadcast(${this.url}, ${this.format}, ${this.status})`;
  }

  toJSON(): { url: string; format: StreamFormat; status: IcecastStatus } {
    return { url: this.url, format: this.format, status: this.status };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** The mixer closes: the addon stops the encoder with the engine; end the connection. @internal */
  detach(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#encoderStopped = true;
    clearInterval(this.#timer);
    this.#host.broadcastStopped(this);
    this.#stopping = this.#source.stop();
    return this.#stopping;
  }

  /** Ends the encoder's thread; `sendTail`: its last bytes (the flushed look-ahead) go out first. */
  #stopEncoder(sendTail: boolean): void {
    if (this.#encoderStopped) return;
    clearInterval(this.#timer);
    const engine = this.#host.engine();
    if (engine !== null) {
      if (sendTail) this.#pump();
      this.#refresh();
      this.#encoderStopped = true;
      const tail = callNative(() => engine.stopStream(this.id));
      if (sendTail && tail.byteLength > 0 && !this.#awaitingBos) this.#source.write(tail);
    }
    this.#encoderStopped = true;
    this.#chainWaiters.splice(0).forEach((w) => w.resolve());
    this.#host.broadcastStopped(this);
  }

  /**
   * Ogg: a new chained stream with the current tags. `gate` (a new connection): nothing is sent
   * until its first page; a title change mid-connection sends the old stream to its end.
   */
  #restartChain(gate: boolean): void {
    const engine = this.#host.engine();
    if (engine === null || this.#encoderStopped) return;
    // Requests the encoder has not served yet make one stream between them (the newest tags):
    // counting calls instead waited, once in CI, for a stream that never came.
    const chain = callNative(() => engine.streamSetMetadata(this.id, this.#tags));
    if (chain !== false) this.#chainsAsked = chain;
    if (gate) this.#awaitingBos = chain !== false;
  }

  #pump(): void {
    const engine = this.#host.engine();
    if (engine === null || this.#encoderStopped) return;
    let taken;
    try {
      taken = callNative(() => engine.streamTake(this.id));
    } catch (err) {
      this.#fail(err as RingmixError);
      return;
    }
    if (taken.lagFrames !== null) {
      this.#lagMs = (taken.lagFrames / this.#host.sampleRate) * 1000;
      this.#maxLagMs = Math.max(this.#maxLagMs, this.#lagMs);
    }
    let bytes = taken.bytes;
    // The encoder's first stream counts as chain 0; each one asked for since then adds one.
    if (this.format === 'opus') this.#chainsTaken += oggBosOffsets(bytes).length;
    if (this.#awaitingBos && bytes.byteLength > 0) {
      const at = firstOggBos(bytes);
      if (at < 0) bytes = bytes.subarray(bytes.byteLength);
      else {
        bytes = bytes.subarray(at);
        this.#awaitingBos = false;
      }
    }
    if (bytes.byteLength > 0) this.#source.write(bytes);
    // A title's chain has gone out once its first page was taken (and sent, or discarded while
    // no connection was up: the next connection starts a chain with the newest title anyway).
    const done = this.#chainWaiters.filter((w) => this.#chainsTaken > w.chain);
    this.#chainWaiters = this.#chainWaiters.filter((w) => this.#chainsTaken <= w.chain);
    done.forEach((w) => w.resolve());
    if (taken.error !== null) this.#fail(new RingmixError('ERR_STREAM', `${this.url}: the encoder failed: ${taken.error}`));
    this.#refresh();
  }

  #refresh(): void {
    const engine = this.#host.engine();
    if (engine === null || this.#encoderStopped) return;
    const s = callNative(() => engine.streamStats(this.id));
    if (s.dropouts > this.#last.dropouts) {
      const payload = { lostFrames: s.lostFrames - this.#last.lostFrames };
      this.#last = s;
      this.emit('dropout', payload);
    }
    this.#last = s;
  }

  /** The stream ends for good: a refused login (the client has already given up) or the encoder failed. */
  #fail(error: RingmixError): void {
    if (this.#failed || this.#stopping) return;
    this.#failed = true;
    this.#stopEncoder(false);
    if (error.code !== 'ERR_STREAM_AUTH') this.#stopping = this.#source.stop();
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else process.emitWarning(error);
  }
}
