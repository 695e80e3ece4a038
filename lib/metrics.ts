/**
 * The public Metrics object, assembled field by field from the engine's metrics, the device
 * streams' status and the taps' own counters (so a field the addon adds never leaks out unnamed).
 * @internal
 */
import type { NativeDeviceStatus, NativeMetrics } from './native';
import type { Tap } from './tap';
import type { ConsumerMetrics, DeviceStreamMetrics, InputMetrics, Metrics } from './types';

/** What metrics assembly needs besides the engine's numbers. */
export interface MetricsContext {
  /** The public name of an input. */
  inputName(id: number): string;
  /** The open taps, in creation order. */
  taps: Iterable<Tap>;
}

export function assembleMetrics(m: NativeMetrics, devices: readonly NativeDeviceStatus[], ctx: MetricsContext): Metrics {
  const find = (kind: NativeDeviceStatus['kind'], id: number) => devices.find((d) => d.kind === kind && d.id === id);
  const inputs = m.inputs.map((i): InputMetrics => {
    const d = find('input', i.id);
    const input: InputMetrics = {
      id: i.id,
      name: ctx.inputName(i.id),
      peakDb: i.peakDb,
      rmsDb: i.rmsDb,
      fillFrames: i.fillFrames,
      underruns: i.underruns,
      overruns: i.overruns,
      ratio: i.ratio,
      clockPpm: i.clockPpm,
      locked: i.locked,
      latencyFrames: i.latencyFrames,
      resyncs: i.resyncs,
      ppmDb: i.ppmDb,
      peakHoldDb: i.peakHoldDb,
      gainReductionDb: i.gainReductionDb,
    };
    if (d) input.device = stream(d);
    return input;
  });
  const taps = [...ctx.taps].map((t): ConsumerMetrics => {
    const s = t.stats();
    return { id: t.id, kind: 'tap', lagFrames: s.lagFrames, dropouts: s.dropouts, lostFrames: s.lostFrames };
  });
  const outputs = devices
    .filter((d) => d.kind === 'output')
    .map(
      (d): ConsumerMetrics => ({
        id: d.id,
        kind: 'output',
        lagFrames: d.lagFrames,
        dropouts: d.dropouts,
        lostFrames: d.lostFrames,
        device: stream(d),
        ratio: d.ratio ?? 1,
        clockPpm: d.clockPpm ?? 0,
        locked: d.locked ?? false,
        latencyFrames: d.compensated ? (d.driftLatencyFrames ?? 0) : d.lagFrames,
        resyncs: d.resyncs ?? 0,
      }),
    );
  const result: Metrics = {
    frames: m.frames,
    cycles: m.cycles,
    xruns: m.xruns,
    skippedCycles: m.skippedCycles,
    dspLoad: m.dspLoad,
    cycleUs: { mean: m.cycleUs.mean, max: m.cycleUs.max },
    lateUs: { mean: m.lateUs.mean, max: m.lateUs.max },
    realtimePriority: m.realtimePriority,
    droppedEvents: m.droppedEvents,
    inputs,
    master: {
      peakDb: m.master.peakDb,
      rmsDb: m.master.rmsDb,
      ppmDb: m.master.ppmDb,
      peakHoldDb: m.master.peakHoldDb,
      gainReductionDb: { compressor: m.master.gainReductionDb.compressor, limiter: m.master.gainReductionDb.limiter },
      latencyFrames: m.master.latencyFrames,
      loudness: { ...m.master.loudness },
    },
    consumers: [...taps, ...outputs],
  };
  const clock = find('clock', 0);
  if (clock) result.clockDevice = stream(clock);
  return result;
}

function stream(d: NativeDeviceStatus): DeviceStreamMetrics {
  return {
    failed: d.failed,
    callbacks: d.callbacks,
    overflows: d.overflows,
    underflows: d.underflows,
    clippedSamples: d.clippedSamples,
    latencyMs: d.latencyMs,
    sampleRate: d.sampleRate,
  };
}
