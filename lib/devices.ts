/**
 * Audio devices (through PortAudio, loaded at run time): listing them and resolving selectors.
 */
import { RingmixError, callNative, callNativeAsync, rangeError, typeError } from './errors';
import { native, type NativeDeviceInfo, type NativeDeviceList } from './native';
import type { DeviceSelector } from './types';
import { checkBoolean, checkObject } from './validate';

/**
 * An audio device as PortAudio reports it.
 * The API reference lists its fields here (the addon's own type is internal).
 * @interface
 */
export type DeviceInfo = NativeDeviceInfo;

/** Options of {@link listDevices} and {@link listHostApis}. */
export interface ListDevicesOptions {
  /**
   * Re-scan the system first (PortAudio sees devices and audio servers only when it initialises).
   * Blocking: from a tenth of a second to seconds; {@link rescanDevices} does it off the event
   * loop. A rescan happens only while no stream is open in the process (it would invalidate
   * them); otherwise the cached list is returned. Default false.
   */
  rescan?: boolean;
}

function nativeList(options: ListDevicesOptions | undefined): NativeDeviceList {
  const o = checkObject(options ?? {}, 'listDevices options', ['rescan']);
  const rescan = o.rescan === undefined ? false : checkBoolean(o.rescan, 'rescan');
  return callNative(() => native().listDevices(rescan));
}

/**
 * The audio devices on this machine. The list is read once (on first use, which initialises
 * PortAudio) and cached: devices or audio servers (such as JACK) that appear or go away later show
 * up after a rescan (`{ rescan: true }`, or {@link rescanDevices}). Throws RingmixError
 * `ERR_NO_AUDIO_BACKEND`, naming what to install, when PortAudio is not available.
 */
export function listDevices(options?: ListDevicesOptions): DeviceInfo[] {
  return nativeList(options).devices;
}

/** The host APIs PortAudio found ('ALSA', 'JACK Audio Connection Kit', ...). */
export function listHostApis(options?: ListDevicesOptions): string[] {
  return nativeList(options).hostApis;
}

/**
 * Re-scans the system on a worker thread (the event loop keeps running) and resolves with the
 * fresh device list, which later {@link listDevices} calls return. As with `{ rescan: true }`, the
 * cached list is kept while any stream is open in the process.
 */
export async function rescanDevices(): Promise<DeviceInfo[]> {
  return (await callNativeAsync(() => native().rescanDevices())).devices;
}

/** @internal */
export function checkSelector(value: unknown, name: string): DeviceSelector {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw rangeError(`${name} index must be a non-negative integer, got ${value}`);
    return value;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const o = checkObject(value, name, ['name', 'hostApi']);
    if (typeof o.name !== 'string' || typeof o.hostApi !== 'string') {
      throw typeError(`${name} as an object needs { name: string, hostApi: string }`);
    }
    return { name: o.name, hostApi: o.hostApi };
  }
  throw typeError(`${name} must be a device index, a device name, 'default' or { name, hostApi }`);
}

/**
 * Finds the device a selector means, for input or output, in the cached list; a selector that
 * names nothing there gets one rescan (a device or server that appeared since). Errors say which
 * selector failed and list what exists.
 * @internal
 */
export function resolveDevice(selector: DeviceSelector, direction: 'input' | 'output'): DeviceInfo {
  return findDevice(listDevices(), selector, direction) ?? findDevice(listDevices({ rescan: true }), selector, direction, true)!;
}

function findDevice(
  devices: DeviceInfo[],
  selector: DeviceSelector,
  direction: 'input' | 'output',
  orThrow = false,
): DeviceInfo | undefined {
  const usable = devices.filter((d) => (direction === 'input' ? d.maxInputChannels : d.maxOutputChannels) > 0);
  let found: DeviceInfo | undefined;
  if (selector === 'default') {
    found = usable.find((d) => (direction === 'input' ? d.isDefaultInput : d.isDefaultOutput));
  } else if (typeof selector === 'number') {
    found = devices.find((d) => d.index === selector);
  } else if (typeof selector === 'string') {
    found = usable.find((d) => d.name === selector);
  } else {
    found = usable.find((d) => d.name === selector.name && d.hostApi === selector.hostApi);
  }
  const channels = found ? (direction === 'input' ? found.maxInputChannels : found.maxOutputChannels) : 0;
  if (channels > 0) return found;
  if (!orThrow) return undefined;
  const describe = JSON.stringify(selector);
  const list = usable.map((d) => `${d.index}: '${d.name}' (${d.hostApi})`).join(', ') || 'none';
  if (!found) {
    throw new RingmixError('ERR_DEVICE_NOT_FOUND', `no ${direction} device matches ${describe}; ${direction} devices: ${list}`);
  }
  throw new RingmixError('ERR_DEVICE_NOT_FOUND', `device ${describe} ('${found.name}') has no ${direction} channels; ${direction} devices: ${list}`);
}
