/**
 * The mixer's events: collecting what the engine reported (xruns, device failures) and delivering
 * it to listeners, and reporting failures of the mixer's own polling timer.
 * @internal
 */
import { DeviceError, asRingmixError, callNative, type RingmixError } from './errors';
import type { NativeMixer } from './native';
import type { ResyncEvent, XrunEvent } from './types';

/** One event ready to deliver: a call of `emit`. */
export type Delivery = () => void;

/** What event collection needs from the mixer. */
export interface EventSource {
  readonly engine: NativeMixer;
  /** Device streams exist only on real-time clocks. */
  readonly hasDevices: boolean;
  /** The device name of a stream, for the error's message and `device` field. */
  deviceName(kind: 'clock' | 'input' | 'output', id: number): string;
  xrun(event: XrunEvent): void;
  resync(event: ResyncEvent): void;
  deviceError(error: DeviceError): void;
}

/**
 * Drains the engine's event queues into deliveries. Everything is read from the engine before
 * anything is delivered, so a listener (which may close the mixer) cannot interrupt the reading.
 */
export function collectEvents(source: EventSource): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const ev of callNative(() => source.engine.pollEvents())) {
    if (ev.type === 'resync') {
      const resync: ResyncEvent = { kind: 'input', id: ev.id, frame: ev.frame, errorFrames: ev.value };
      deliveries.push(() => source.resync(resync));
      continue;
    }
    const event: XrunEvent =
      ev.type === 'skipped'
        ? { frame: ev.frame, overUs: 0, skippedCycles: ev.value }
        : { frame: ev.frame, overUs: ev.value, skippedCycles: 0 };
    deliveries.push(() => source.xrun(event));
  }
  if (!source.hasDevices) return deliveries;
  for (const f of callNative(() => source.engine.pollDeviceFailures())) {
    const device = source.deviceName(f.kind, f.id);
    const what = f.kind === 'input' ? `input ${f.id}` : f.kind === 'output' ? `output ${f.id}` : 'the mixer clock';
    const error = new DeviceError(f.kind, f.id, device, `${what} ('${device}'): ${f.message}`);
    deliveries.push(() => source.deviceError(error));
  }
  return deliveries;
}

/**
 * Delivers every event, in order. A listener that throws is the caller's bug and its error
 * propagates, as from any `emit`, but only after the remaining events were delivered: one bad
 * listener does not lose the others' events.
 */
export function deliver(deliveries: readonly Delivery[]): void {
  let failed: { error: unknown } | undefined;
  for (const delivery of deliveries) {
    try {
      delivery();
    } catch (error) {
      failed ??= { error };
    }
  }
  if (failed) throw failed.error;
}

/**
 * Reports a failure of the mixer's polling timer, which must never throw (nobody could catch it:
 * the host process would crash). With `'error'` listeners it is emitted there as a coded
 * RingmixError (`emitError`, null when nobody listens); without, it becomes a process warning (an `'error'` event nobody listens to would
 * crash the process), once per distinct message so a lasting fault does not flood stderr.
 */
export function reportPollError(
  err: unknown,
  emitError: ((error: RingmixError) => void) | null,
  warned: Set<string>,
): void {
  const error = asRingmixError(err, 'polling the engine failed');
  if (emitError) {
    emitError(error);
    return;
  }
  const key = `${error.code}: ${error.message}`;
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(error);
}
