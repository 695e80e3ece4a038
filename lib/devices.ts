/**
 * Audio devices (through PortAudio, loaded at run time): listing them and resolving selectors.
 */
import { RingmixError, callNative, rangeError, typeError } from './errors';
import { native, type NativeDeviceInfo } from './native';
import type { DeviceSelector } from './types';
import { checkObject } from './validate';

/** An audio device as PortAudio reports it. */
export type DeviceInfo = NativeDeviceInfo;

function nativeList(): { devices: NativeDeviceInfo[]; hostApis: string[] } {
  return callNative(() => native().listDevices());
}

/**
 * The audio devices on this machine. Rescans each time no stream is open, so devices (and audio
 * servers such as JACK) that appeared or went away are reflected. Throws RingmixError
 * `ERR_NO_AUDIO_BACKEND`, naming what to install, when PortAudio is not available.
 */
export function listDevices(): DeviceInfo[] {
  return nativeList().devices;
}

/** The host APIs PortAudio found ('ALSA', 'JACK Audio Connection Kit', ...). */
export function listHostApis(): string[] {
  return nativeList().hostApis;
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
 * Finds the device a selector means, for input or output. Errors say which selector failed and
 * list what exists.
 * @internal
 */
export function resolveDevice(selector: DeviceSelector, direction: 'input' | 'output'): DeviceInfo {
  const devices = listDevices();
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
  const describe = JSON.stringify(selector);
  const list = usable.map((d) => `${d.index}: '${d.name}' (${d.hostApi})`).join(', ') || 'none';
  if (!found) {
    throw new RingmixError('ERR_DEVICE_NOT_FOUND', `no ${direction} device matches ${describe}; ${direction} devices: ${list}`);
  }
  const channels = direction === 'input' ? found.maxInputChannels : found.maxOutputChannels;
  if (channels === 0) {
    throw new RingmixError('ERR_DEVICE_NOT_FOUND', `device ${describe} ('${found.name}') has no ${direction} channels; ${direction} devices: ${list}`);
  }
  return found;
}
