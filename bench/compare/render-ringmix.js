// Renders a graph (see graphs.js) with ringmix on its simulated clock and returns the audio and
// the time it took. Timed: every `mixer.advance()` of the span and the tap reads between them
// (`readInto()`: the mix copied into one preallocated interleaved buffer), i.e. rendering the
// audio into JS memory. Not timed: creating the mixer and its inputs (and a 20-period pre-roll before the
// inputs, see build()), and closing it.
//
// The buffer is written once before the timing. Its pages would otherwise be first touched inside
// it: ~940 page faults for 10 s, at 12-16 us each under this project's hypervisor (40 % of a
// 32-strip render), depending on whether V8 had freed the last render's buffer, while nwa's
// allocator often gives its output memory it already holds (0 faults while timed in many of its
// renders). Both sides' faults while timed are reported (pageFaults).
'use strict';
const path = require('node:path');
const g = require('./graphs');

const { Mixer } = require(path.join(__dirname, '..', '..'));

/** Frames per advance() call; the tap holds two of them, so a read never finds a dropout. */
const CHUNK_FRAMES = g.SAMPLE_RATE;

/** Frames run before the inputs are added: the master's settings glide in over 10 ms ramps and fades. */
const PREROLL_FRAMES = 20 * g.PERIOD_FRAMES;

function build(graph, count) {
  const mixer = new Mixer({
    sampleRate: g.SAMPLE_RATE,
    periodFrames: g.PERIOD_FRAMES,
    clock: 'simulated',
    // Graph A has no limiter (nor its look-ahead latency); graph B ends in it.
    limiter: graph === 'B',
  });
  mixer.master.gainDb = g.masterGainDb(count);
  if (graph === 'B') {
    // The makeup Web Audio's compressor and its stand-in limiter always add (see graphs.js), here
    // on the master compressor: ringmix's limiter has no makeup, and does not act at these levels.
    const makeupDb = g.webAudioMakeupDb(g.MASTER_COMPRESSOR) + g.webAudioMakeupDb({ thresholdDb: g.LIMITER.ceilingDb, ratio: g.LIMITER.nwaRatio });
    mixer.master.compressor = { ...g.MASTER_COMPRESSOR, makeupDb };
    mixer.master.limiter = { ceilingDbtp: g.LIMITER.ceilingDb, releaseMs: g.LIMITER.releaseMs };
  }
  // Web Audio's nodes start at their settings; ringmix's master would glide there from 0 dB with
  // the first strips' audio in it (and its compressor would still be releasing a second later).
  mixer.advance(PREROLL_FRAMES);
  for (const s of g.strips(count, graph)) {
    mixer.addInput({
      source: { generator: 'sine', frequency: s.frequency, levelDb: s.levelDb },
      gainDb: s.gainDb,
      pan: s.pan,
      // Defaults: a generator at 0 ppm is on the mixer's own clock, like a Web Audio oscillator
      // on its context's, and the cycle renders it itself (ARCHITECTURE.md, "direct").
      ...(graph === 'B'
        ? { eq: g.EQ, compressor: { ...g.STRIP_COMPRESSOR, makeupDb: g.webAudioMakeupDb(g.STRIP_COMPRESSOR) } }
        : {}),
    });
  }
  return mixer;
}

/**
 * Renders `frames` of graph `graph` with `count` strips. Returns the interleaved stereo mix as
 * `{ channel(c) }` views, the timed wall and CPU seconds, and the set-up time.
 */
async function render(graph, count, frames) {
  const s0 = performance.now();
  const mixer = build(graph, count);
  const tap = mixer.tap({ capacityFrames: 2 * CHUNK_FRAMES });
  const out = new Float32Array(frames * 2).fill(0);
  const setupS = (performance.now() - s0) / 1000;

  const f0 = process.resourceUsage().minorPageFault;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  let read = 0;
  while (done < frames) {
    const n = Math.min(CHUNK_FRAMES, frames - done);
    mixer.advance(n);
    done += n;
    read += tap.readInto(out.subarray(read * 2));
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const pageFaults = process.resourceUsage().minorPageFault - f0;

  const lost = tap.lostFrames;
  await mixer.close();
  if (read !== frames || lost !== 0) throw new Error(`ringmix: read ${read} of ${frames} frames, lost ${lost}`);
  return {
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    pageFaults,
    setupS,
    frames,
    channel: (c) => ({ length: frames, at: (i) => out[2 * i + c] }),
  };
}

module.exports = { render };
