// The check that both engines rendered the same signal: the RMS of each output channel over the
// same length of steady signal, after the first second (ramps, compressor attacks) counted from
// each side's onset (its first non-zero sample: the engines' latencies differ: ringmix's jitter
// buffer and limiter look-ahead, Web Audio's compressors' 6 ms pre-delay).
'use strict';

/** The first frame where either channel is not zero. */
function onset(channels) {
  const n = channels[0].length;
  for (let i = 0; i < n; i++) if (channels.some((ch) => ch.at(i) !== 0)) return i;
  return n;
}

function rmsDb(ch, start, length) {
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += ch.at(i) * ch.at(i);
  return 10 * Math.log10(sum / length);
}

/**
 * Per-channel RMS (dBFS) of two renders, their differences and whether they agree within
 * `toleranceDb`. `skipFrames` after each side's onset are left out; both windows have the same
 * length.
 */
function compareLevels(a, b, skipFrames, toleranceDb) {
  const chA = [a.channel(0), a.channel(1)];
  const chB = [b.channel(0), b.channel(1)];
  const startA = onset(chA) + skipFrames;
  const startB = onset(chB) + skipFrames;
  const length = Math.min(a.frames - startA, b.frames - startB);
  if (length < skipFrames / 4) throw new Error(`levels: only ${length} frames to compare`);
  const dbA = chA.map((ch) => rmsDb(ch, startA, length));
  const dbB = chB.map((ch) => rmsDb(ch, startB, length));
  const diff = dbA.map((d, i) => d - dbB[i]);
  const maxAbs = Math.max(...diff.map(Math.abs));
  return {
    windowFrames: length,
    onsetFrames: [startA - skipFrames, startB - skipFrames],
    dbA,
    dbB,
    diffDb: diff,
    maxAbsDiffDb: maxAbs,
    ok: Number.isFinite(maxAbs) && maxAbs <= toleranceDb,
  };
}

module.exports = { compareLevels };
