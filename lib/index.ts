/**
 * ringmix: a real-time audio mixing engine for Node.js.
 *
 * The C++ addon runs the audio on lock-free rings; this module is the thin TypeScript layer over
 * it. See README.md for usage and ARCHITECTURE.md for how it works.
 * @packageDocumentation
 */
import { native, type BuildInfo } from './native';

export { Mixer } from './mixer';
export { Master } from './master';
export { Input } from './input';
export { Tap } from './tap';
export { Output } from './output';
export { Recorder, RecordingError } from './recorder';
export { Broadcast } from './broadcast';
export { listDevices, listHostApis, rescanDevices, type DeviceInfo, type ListDevicesOptions } from './devices';
export { RingmixError, DeviceError, type RingmixErrorCode, type ArgumentError, type ArgumentErrorCode } from './errors';
export type { BuildInfo } from './native';
export type * from './types';

/** Facts about the loaded native addon (version, compiler, atomics): useful in bug reports. */
export function buildInfo(): BuildInfo {
  return native().info();
}
