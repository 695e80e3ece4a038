/**
 * The shapes at the Icecast client's boundary: its options, events, status and statistics.
 * @internal
 */
import type { RingmixError } from '../errors';

/** What the stream carries: MP3 frames or Ogg/Opus pages. */
export type StreamFormat = 'mp3' | 'opus';

/** Options of an {@link IcecastSource}. */
export interface IcecastSourceOptions {
  /** `http://[user:password@]host:port/mount` (`https:` is rejected with `ERR_STREAM_URL`). */
  url: string;
  format: StreamFormat;
  /** Nominal bit rate, for `ice-bitrate`/`ice-audio-info` and to size the send queue. */
  bitrateKbps?: number;
  /** For `ice-audio-info`. Default 48000. */
  sampleRate?: number;
  /** For `ice-audio-info`. Default 2. */
  channels?: number;
  /** `ice-name`, `ice-description`, `ice-genre`: shown by Icecast and directories. */
  name?: string;
  description?: string;
  genre?: string;
  /** `ice-public`: list the stream in public directories. Default false. */
  public?: boolean;
  /** Source user; wins over the URL's. Default 'source'. */
  user?: string;
  /** Source password; wins over the URL's. */
  password?: string;
  /**
   * Reconnect delays in ms: the first failure waits `delaysMs[0]`, the next `delaysMs[1]`, and so
   * on, the last repeating. Default 0, 500, 1000, 2000, 4000, 8000, 10000.
   */
  retryDelaysMs?: readonly number[];
  /** A connection up this long (ms) starts the delays again from the first. Default 10000. */
  stableAfterMs?: number;
  /** Give up an attempt (connect and server's answer) after this long (ms). Default 10000. */
  connectTimeoutMs?: number;
  /** While connected, queue at most this much audio (ms at the bit rate) for a slow socket. Default 2000. */
  maxQueueMs?: number;
}

/**
 * Where a source client is: 'idle' before `start()`, 'connecting' until the first attempt ends,
 * 'reconnecting' after a failure, 'failed' after a refused login, 'stopped' after `stop()`.
 * The API reference shows it in place: this module is not part of it.
 * @inline
 */
export type IcecastStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped' | 'failed';

/** The request a source logs in with: `PUT` (Icecast ≥ 2.4) or the legacy `SOURCE`. */
export type SourceProtocol = 'PUT' | 'SOURCE';

/** Why an attempt or a connection ended (the client tries again). */
export type DisconnectReason =
  /** Nothing listens there (ECONNREFUSED), or the host is unknown or unreachable. */
  | 'unreachable'
  /** The server reset or closed the connection. */
  | 'closed'
  /** No connection or no answer within `connectTimeoutMs`. */
  | 'timeout'
  /** 403: the mount point is in use, or the server has too many sources. */
  | 'mount-in-use'
  /** Another refusal (an HTTP status other than 401 and 403), or an answer that is not HTTP. */
  | 'rejected';

/** Payload of `'disconnected'`: an attempt failed or a connection was lost; another follows. */
export interface DisconnectedEvent {
  reason: DisconnectReason;
  /** What happened, naming only the redacted URL. */
  message: string;
  /** The server's HTTP status, when it answered with one. */
  statusCode?: number;
  /** Whether the stream had been connected (false: this attempt never got that far). */
  wasConnected: boolean;
  /** When the next attempt starts. */
  retryInMs: number;
}

/** Payload of `'connected'`. */
export interface ConnectedEvent {
  /** The redacted URL. */
  url: string;
  protocol: SourceProtocol;
  /** Connections made before this one. */
  reconnects: number;
}

/**
 * What {@link IcecastSource.setMetadata} takes.
 * The API reference shows it in place: this module is not part of it.
 * @inline
 */
export interface StreamMetadata {
  title: string;
  artist?: string;
}

/**
 * What became of a metadata update: `'sent'` (the server took it), `'pending'` (not connected:
 * it is sent when the stream connects), `'in-band'` (Ogg/Opus: the encoder carries it in the
 * stream, nothing goes to the server).
 */
export type MetadataResult = 'sent' | 'pending' | 'in-band';

/** Counters of a source client, from `stats()`. */
export interface IcecastStats {
  status: IcecastStatus;
  connected: boolean;
  protocol: SourceProtocol;
  /** Audio bytes handed to the connection (stream headers included). */
  bytesSent: number;
  /** Bytes discarded because no connection was up (live audio is not kept for later). */
  discardedBytes: number;
  /** Bytes dropped while connected because the socket was more than `maxQueueMs` behind. */
  droppedBytes: number;
  /** Connection attempts made (each TCP connect counts). */
  attempts: number;
  /** Connections established. */
  connects: number;
  /** Connections established after the first. */
  reconnects: number;
  /** Metadata updates the server took, and updates that failed. */
  metadataUpdates: number;
  metadataFailures: number;
  /** Why the last attempt or connection ended, if one did. */
  lastDisconnect: DisconnectReason | null;
}

/** Events of an {@link IcecastSource}. */
export interface IcecastSourceEvents {
  connected: [ConnectedEvent];
  disconnected: [DisconnectedEvent];
  /**
   * A failure that ends the stream (the client stops trying): `ERR_STREAM_AUTH` when the server
   * refuses the login. Emitted once; with no listener it is reported by `process.emitWarning`.
   */
  error: [RingmixError];
  /** Ogg/Opus metadata for the encoder to carry in band (see `metadataInBand`). */
  metadata: [StreamMetadata];
}
