// Renders a graph (see graphs.js) with node-web-audio-api in an OfflineAudioContext and returns
// the audio and the time it took. Timed: `startRendering()` until its promise resolves, and
// `getChannelData()` of both channels (the audio in JS memory). Not timed: creating the context
// and its nodes.
'use strict';
const g = require('./graphs');

const nwa = require('node-web-audio-api');

function compressor(ctx, c) {
  return new nwa.DynamicsCompressorNode(ctx, {
    threshold: c.thresholdDb,
    ratio: c.ratio,
    knee: c.kneeDb,
    attack: c.attackMs / 1000,
    release: c.releaseMs / 1000,
  });
}

function build(graph, count, frames) {
  const ctx = new nwa.OfflineAudioContext({ numberOfChannels: 2, length: frames, sampleRate: g.SAMPLE_RATE });
  const master = new nwa.GainNode(ctx, { gain: g.dbToGain(g.masterGainDb(count)) });
  if (graph === 'B') {
    // No true-peak limiter in Web Audio: a compressor at the ceiling, ratio 20, fastest attack.
    const limiter = compressor(ctx, { thresholdDb: g.LIMITER.ceilingDb, ratio: g.LIMITER.nwaRatio, kneeDb: 0, attackMs: 0, releaseMs: g.LIMITER.releaseMs });
    master.connect(compressor(ctx, g.MASTER_COMPRESSOR)).connect(limiter).connect(ctx.destination);
  } else {
    master.connect(ctx.destination);
  }
  for (const s of g.strips(count, graph)) {
    const pan = g.webAudioPan(s.pan);
    const osc = new nwa.OscillatorNode(ctx, { type: 'sine', frequency: s.frequency });
    // The sine's level, the fader and the pan law's correction in one gain (see graphs.js).
    const gain = new nwa.GainNode(ctx, { gain: g.dbToGain(s.levelDb + s.gainDb) * pan.gain });
    let node = osc.connect(gain).connect(new nwa.StereoPannerNode(ctx, { pan: pan.pan }));
    if (graph === 'B') {
      for (const [type, band] of [['lowshelf', g.EQ.low], ['peaking', g.EQ.mid], ['highshelf', g.EQ.high]]) {
        node = node.connect(new nwa.BiquadFilterNode(ctx, { type, frequency: band.frequency, gain: band.gainDb, Q: band.q }));
      }
      node = node.connect(compressor(ctx, g.STRIP_COMPRESSOR));
    }
    node.connect(master);
    osc.start(0);
  }
  return ctx;
}

async function render(graph, count, frames) {
  const s0 = performance.now();
  const ctx = build(graph, count, frames);
  const setupS = (performance.now() - s0) / 1000;

  const f0 = process.resourceUsage().minorPageFault;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const buffer = await ctx.startRendering();
  const data = [buffer.getChannelData(0), buffer.getChannelData(1)];
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const pageFaults = process.resourceUsage().minorPageFault - f0;

  if (buffer.length !== frames) throw new Error(`node-web-audio-api: rendered ${buffer.length} of ${frames} frames`);
  return {
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    pageFaults,
    setupS,
    frames,
    channel: (c) => ({ length: frames, at: (i) => data[c][i] }),
  };
}

module.exports = { render };
