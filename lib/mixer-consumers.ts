/**
 * Opening the consumers that encode the mix (a Recorder, a Broadcast) for Mixer.record() and
 * Mixer.stream(): options checked, the addon's consumer started, the JS object built around it.
 * @internal
 */
import { Broadcast, type BroadcastHost } from './broadcast';
import { checkRecordOptions, checkStreamEncoderOptions, STREAM_OPTION_KEYS } from './consumer-options';
import { callNative } from './errors';
import { IcecastSource } from './icecast/source-client';
import type { NativeMixer } from './native';
import { Recorder, RecordingError, type RecorderHost } from './recorder';
import type { RecordOptions, StreamOptions } from './types';

export function openRecorder(engine: NativeMixer, options: RecordOptions, host: RecorderHost): Recorder {
  const spec = checkRecordOptions(options);
  let id: number;
  try {
    id = callNative(() => engine.record(spec));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // A system call's errno name (ENOENT, EACCES, ...): the file could not be created.
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) {
      throw new RecordingError(code, spec.path, (err as Error).message, { cause: err });
    }
    throw err;
  }
  return new Recorder(host, id, spec.path, spec.format);
}

export function openBroadcast(
  engine: NativeMixer,
  options: StreamOptions,
  mix: { sampleRate: number; channels: number },
  host: BroadcastHost,
): Broadcast {
  const spec = checkStreamEncoderOptions(options);
  const info = callNative(() => engine.stream(spec));
  let source: IcecastSource;
  try {
    // The server-side options (URL, credentials, ice-* texts) are the source client's to check.
    const o = options as unknown as Record<string, unknown>;
    source = new IcecastSource({
      ...Object.fromEntries(STREAM_OPTION_KEYS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])),
      url: o.url as string,
      format: spec.format,
      bitrateKbps: info.bitrateKbps,
      sampleRate: mix.sampleRate,
      channels: mix.channels,
    });
  } catch (err) {
    callNative(() => engine.stopStream(info.id));
    throw err;
  }
  return new Broadcast(host, info, source);
}
