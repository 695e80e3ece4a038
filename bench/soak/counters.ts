/**
 * Every loss counter the load's parts keep, in one snapshot: the mix's own (xruns, skipped cycles,
 * dropped events), each input's (underruns, overruns, re-syncs, the capture device's overflows),
 * each consumer's (taps, the extra output, the recorder, the stream). The soak takes one when
 * everything is up and one at the end; every counter must be the same in both.
 */
import type { Metrics } from '../..';
import type { Load } from './load';

/** Counters that only grow: the soak's loss figures. */
export type Counts = Record<string, number>;

export interface Snapshot {
  mixer: Counts;
  /** The JACK server's own xruns (its messages): they explain the JACK devices' flags. */
  jack: Counts;
  inputs: Record<string, Counts>;
  taps: Record<string, Counts>;
  output: Counts;
  recorder: Counts;
  stream: Counts;
}

/** The recorder reports its losses as events while it runs (its totals come with stop()). */
export class RecorderWatch {
  dropouts = 0;
  lostFrames = 0;
  errors: string[] = [];
  constructor(load: Load) {
    load.recorder.on('dropout', (d) => {
      this.dropouts++;
      this.lostFrames += d.lostFrames;
    });
    load.recorder.on('error', (e) => this.errors.push(e.message));
  }
}

export function snapshot(load: Load, m: Metrics, recorder: RecorderWatch, jack: Counts): Snapshot {
  const inputs: Record<string, Counts> = {};
  for (const i of m.inputs) {
    const c: Counts = { underruns: i.underruns, overruns: i.overruns, resyncs: i.resyncs };
    if (i.device) {
      c.deviceOverflows = i.device.overflows;
      c.deviceFailed = i.device.failed ? 1 : 0;
    }
    inputs[i.name] = c;
  }
  const taps: Record<string, Counts> = {};
  for (const c of m.consumers.filter((c) => c.kind === 'tap')) taps[`tap-${c.id}`] = { dropouts: c.dropouts, lostFrames: c.lostFrames };
  const out = m.consumers.find((c) => c.kind === 'output' && c.id === load.output.id);
  const s = load.stream.stats();
  return {
    mixer: { xruns: m.xruns, skippedCycles: m.skippedCycles, droppedEvents: m.droppedEvents },
    jack,
    inputs,
    taps,
    output: out
      ? {
          dropouts: out.dropouts,
          lostFrames: out.lostFrames,
          resyncs: out.resyncs ?? 0,
          deviceUnderflows: out.device?.underflows ?? 0,
          deviceFailed: out.device?.failed ? 1 : 0,
        }
      : { missing: 1 },
    recorder: { dropouts: recorder.dropouts, lostFrames: recorder.lostFrames, errors: recorder.errors.length },
    stream: {
      dropouts: s.dropouts,
      lostFrames: s.lostFrames,
      reconnects: s.reconnects,
      droppedBytes: s.droppedBytes,
      discardedBytes: s.discardedBytes,
      notConnected: s.connected ? 0 : 1,
    },
  };
}

/** What grew from `a` to `b`, field by field: only the non-zero ones. */
export function grown(a: Counts, b: Counts): Counts {
  const d: Counts = {};
  for (const [k, v] of Object.entries(b)) if (v - (a[k] ?? 0) !== 0) d[k] = v - (a[k] ?? 0);
  return d;
}
