// (d) Command latency: how many mix cycles pass between a JS setter call and the cycle that
// applies it. A mixer of its own (real-time clock, no limiter: the tap gets the strip's output
// exactly) mixes one stereo push input fed a constant 0.5, so the mix is 0.5 × the fader's gain
// on both channels, exactly, until a gain change starts its ramp: the first frame off the old
// value is in the cycle that applied the change. The tap starts on a cycle boundary, so frame
// positions in it are cycle-aligned; the call's position is what the tap had been handed when the
// call was made (frames read + its lag: every completed cycle).
'use strict';
const path = require('node:path');

const { Mixer } = require(path.join(__dirname, '..', '..'));

const DC = 0.5;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function commandLatency({ trials, periodFrames = 256, sampleRate = 48000 }) {
  const mixer = new Mixer({ sampleRate, periodFrames, limiter: false });
  const input = mixer.addInput({ source: { push: { channels: 2 } } });
  const chunk = new Float32Array(2 * periodFrames * 4).fill(DC);
  const feed = () => {
    while (input.write(chunk) > 0); // keep the ring full: a constant needs no pacing
  };
  feed();
  const feeder = setInterval(feed, 2);
  const tap = mixer.tap({ capacityFrames: sampleRate });
  let pos = 0; // tap frames read so far
  let pending = new Float32Array(0);
  let pendingStart = 0;
  const drain = () => {
    const data = tap.read();
    const all = new Float32Array(pending.length + data.length);
    all.set(pending);
    all.set(data, pending.length);
    pending = all;
    pos += data.length / 2;
  };
  mixer.start();
  const results = [];
  let ambiguous = 0;
  let gainDb = 0;
  try {
    await sleep(200); // primed, steady
    for (let t = 0; t < trials; t++) {
      drain();
      pending = new Float32Array(0);
      pendingStart = pos;
      const old = DC * 10 ** (gainDb / 20);
      gainDb = gainDb === 0 ? -20 : 0;
      await sleep(Math.random() * 5); // land anywhere within a cycle
      const before = pos + tap.lagFrames;
      input.gainDb = gainDb;
      const after = pos + tap.lagFrames;
      if (after !== before) ambiguous++;
      await sleep(40); // the change and then some
      drain();
      let first = -1;
      for (let i = 0; i < pending.length / 2; i++) {
        if (Math.abs(pending[2 * i] - old) > 1e-6 || Math.abs(pending[2 * i + 1] - old) > 1e-6) {
          first = pendingStart + i;
          break;
        }
      }
      if (first < 0) throw new Error('command latency: the gain change never reached the tap');
      const cycleStart = Math.floor(first / periodFrames) * periodFrames;
      results.push((cycleStart - before) / periodFrames);
      await sleep(20); // the ramp (10 ms) over
    }
  } finally {
    clearInterval(feeder);
    await mixer.close();
  }
  const counts = {};
  for (const r of results) counts[r] = (counts[r] ?? 0) + 1;
  const sorted = [...results].sort((a, b) => a - b);
  return {
    periodFrames,
    trials,
    // 0: applied by the first cycle to start after the call (the soonest possible); 1: one cycle later; ...
    cyclesAfterCall: { min: sorted[0], median: sorted[sorted.length >> 1], max: sorted[sorted.length - 1], counts },
    // A cycle completed while the call's position was being read: those trials may read one high.
    ambiguousTrials: ambiguous,
  };
}

module.exports = { commandLatency };
