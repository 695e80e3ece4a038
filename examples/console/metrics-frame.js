// The meters' frame, pushed to every browser up to 60 times a second: only what the page draws,
// rounded to 0.1 dB, in short keys. At 30 Hz with a dozen strips that is a few kB/s per browser
// rather than the ~2 kB of a full metrics() snapshot per frame.
'use strict';

/** 0.1 dB steps; null for silence (-Infinity), which JSON cannot carry. */
const r = (v) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);
const all = (values) => values.map(r);

/**
 * @param {import('ringmix').Metrics} m
 * @param {number} n the frame's sequence number (a client can see frames still arriving)
 */
function metricsFrame(m, n) {
  const L = m.master.loudness;
  return {
    type: 'm',
    n,
    frames: m.frames,
    xruns: m.xruns,
    load: Math.round(m.dspLoad * 1000) / 1000,
    // Inputs: [id, peak per channel, rms per channel, gain reduction]
    in: m.inputs.map((i) => [i.id, all(i.peakDb), all(i.rmsDb), r(i.gainReductionDb)]),
    ms: {
      peak: all(m.master.peakDb),
      rms: all(m.master.rmsDb),
      hold: all(m.master.peakHoldDb),
      gr: [r(m.master.gainReductionDb.compressor), r(m.master.gainReductionDb.limiter)],
      // Loudness: momentary, short-term, integrated (LUFS), true peak (dBTP)
      lufs: [r(L.momentaryLufs), r(L.shortTermLufs), r(L.integratedLufs), r(L.truePeakDbtp)],
    },
    // Consumers that fell behind so far (taps, outputs): the log shows each as it happens.
    lost: m.consumers.reduce((sum, c) => sum + c.dropouts, 0),
  };
}

/** A full metrics() snapshot as JSON (GET /metrics.json): infinities become null. */
function metricsJson(m) {
  return JSON.stringify(m, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

module.exports = { metricsFrame, metricsJson };
