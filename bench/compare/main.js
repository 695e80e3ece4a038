#!/usr/bin/env node
// npm run bench:compare [-- --quick]: ringmix against node-web-audio-api, the same graphs
// rendered by both in one process (graphs.js), 1, 32 and 128 strips. Prints JSON on stdout
// (progress on stderr): each side's speed as a multiple of real time, ringmix ÷ nwa, and the check
// that both rendered the same signal (levels.js). Exits 1 only when that check fails (the
// comparison would be invalid), never on a missed goal.
//
// Options: --quick (2 s of audio, 3 repeats: CI), --seconds N (default 10), --repeats N
// (default 5), --strips LIST (default 1,32,128), --graphs LIST (default A,B).
'use strict';
const os = require('node:os');
const path = require('node:path');
const g = require('./graphs');
const ringmix = require('./render-ringmix');
const nwa = require('./render-nwa');
const { compareLevels } = require('./levels');
const { parseOptions, runMain, usageError } = require('../common/cli');

const TOLERANCE_DB = 0.5;
const GOALS = { A: 10, B: 4 }; // ringmix ÷ nwa, at GOAL_STRIPS
const GOAL_STRIPS = [32, 128];
const DESCRIPTIONS = {
  A: 'N strips: sine → gain → pan → master gain',
  B: 'N strips: sine → low shelf → peaking → high shelf → compressor → gain → pan (Web Audio: gain and pan first) → master gain → master compressor → limiter (Web Audio: a ratio-20 compressor)',
};

function parseArgs(argv) {
  const list = (v) => v.split(',');
  const given = parseOptions(argv, { '--seconds': Number, '--repeats': Number, '--strips': list, '--graphs': list });
  const o = { quick: !!given.quick, seconds: given.quick ? 2 : 10, repeats: given.quick ? 3 : 5, strips: [1, 32, 128], graphs: ['A', 'B'] };
  if (given.seconds !== undefined) o.seconds = given.seconds;
  if (given.repeats !== undefined) o.repeats = given.repeats;
  if (given.strips) o.strips = given.strips.map(Number);
  if (given.graphs) o.graphs = given.graphs.map((x) => x.trim().toUpperCase());
  if (!(o.seconds >= 1.5)) throw usageError('--seconds must be at least 1.5 (the first second is left out of the level check)');
  if (!(Number.isInteger(o.repeats) && o.repeats >= 1)) throw usageError('--repeats must be a positive integer');
  if (!o.strips.every((n) => Number.isInteger(n) && n >= 1 && n <= 1024)) throw usageError('--strips: integers 1–1024');
  if (!o.graphs.every((x) => x === 'A' || x === 'B')) throw usageError('--graphs: A and/or B');
  return o;
}

function nwaVersion() {
  const file = path.join(path.dirname(require.resolve('node-web-audio-api')), 'package.json');
  return JSON.parse(require('node:fs').readFileSync(file, 'utf8')).version;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x, d = 3) => Number(x.toFixed(d));

function summary(runs, seconds) {
  const walls = runs.map((r) => r.wallS);
  return {
    xRealtime: round(seconds / median(walls), 2),
    bestXRealtime: round(seconds / Math.min(...walls), 2),
    wallS: walls.map((w) => round(w, 4)),
    // CPU seconds of the whole process per wall second while timed: 1 means one core busy, less
    // means the machine was busy with something else (both engines render on one thread).
    cpuPerWall: round(median(runs.map((r) => r.cpuS / r.wallS)), 2),
    // Audio seconds per CPU second of the process: steadier than xRealtime on a shared machine.
    cpuXRealtime: round(seconds / median(runs.map((r) => r.cpuS)), 2),
    setupS: round(median(runs.map((r) => r.setupS)), 4),
    // Minor page faults while timed (median): nwa's are the first touch of its output's pages
    // when its allocator gives it fresh memory (ringmix's buffer is written before the timing).
    pageFaults: median(runs.map((r) => r.pageFaults)),
  };
}

async function runCase(graph, count, o) {
  const frames = Math.round(o.seconds * g.SAMPLE_RATE);
  const runs = { ringmix: [], nwa: [] };
  let levels = null;
  for (let r = 0; r < o.repeats; r++) {
    // Interleaved, and alternating which goes first, so that neither always runs on a warmer
    // (or busier) machine.
    const order = r % 2 === 0 ? ['ringmix', 'nwa'] : ['nwa', 'ringmix'];
    const got = {};
    for (const side of order) {
      got[side] = await (side === 'ringmix' ? ringmix : nwa).render(graph, count, frames);
      const { wallS, cpuS, setupS, pageFaults } = got[side];
      runs[side].push({ wallS, cpuS, setupS, pageFaults });
      process.stderr.write(`bench:compare: graph ${graph}, ${count} strips, ${side} ${(o.seconds / wallS).toFixed(1)}x real time\n`);
    }
    if (levels === null) {
      const l = compareLevels(got.ringmix, got.nwa, g.SAMPLE_RATE, TOLERANCE_DB);
      levels = {
        ringmixDb: l.dbA.map((x) => round(x)),
        nwaDb: l.dbB.map((x) => round(x)),
        diffDb: l.diffDb.map((x) => round(x)),
        maxAbsDiffDb: round(l.maxAbsDiffDb),
        onsetFrames: { ringmix: l.onsetFrames[0], nwa: l.onsetFrames[1] },
        windowFrames: l.windowFrames,
        ok: l.ok,
      };
      if (!l.ok) process.stderr.write(`bench:compare: graph ${graph}, ${count} strips: levels differ by ${l.maxAbsDiffDb.toFixed(2)} dB\n`);
    }
  }
  const rm = summary(runs.ringmix, o.seconds);
  const wa = summary(runs.nwa, o.seconds);
  return {
    strips: count,
    ringmix: rm,
    nwa: wa,
    ratio: round(rm.xRealtime / wa.xRealtime),
    bestRatio: round(rm.bestXRealtime / wa.bestXRealtime),
    cpuRatio: round(rm.cpuXRealtime / wa.cpuXRealtime),
    levels,
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const loadBefore = os.loadavg()[0];
  const graphs = {};
  const ratios = {};
  for (const graph of o.graphs) {
    const cases = [];
    for (const count of o.strips) cases.push(await runCase(graph, count, o));
    graphs[graph] = { description: DESCRIPTIONS[graph], cases };
    ratios[graph] = Object.fromEntries(cases.map((c) => [c.strips, c.ratio]));
  }
  const goals = {};
  for (const graph of o.graphs) {
    const at = graphs[graph].cases.filter((c) => GOAL_STRIPS.includes(c.strips));
    goals[graph] = {
      ratioAtLeast: GOALS[graph],
      strips: at.map((c) => c.strips),
      met: at.length > 0 && at.every((c) => c.ratio >= GOALS[graph]),
    };
  }
  goals.met = o.graphs.every((x) => goals[x].met);
  const valid = o.graphs.every((x) => graphs[x].cases.every((c) => c.levels.ok));
  const result = {
    benchmark: 'compare',
    quick: o.quick,
    audioSeconds: o.seconds,
    sampleRate: g.SAMPLE_RATE,
    channels: 2,
    ringmix: {
      version: require(path.join(__dirname, '..', '..', 'package.json')).version,
      clock: 'simulated',
      periodFrames: g.PERIOD_FRAMES,
      generators: 'defaults: 0 ppm, on the mixer\'s clock: rendered by the mix cycle itself, no ring or resampler between (ARCHITECTURE.md, "direct")',
      timed: 'mixer.advance() over the whole span in 1 s calls, with the tap read after each into one buffer for the whole span, allocated and written once before the timing (as nwa\'s allocator reuses memory it holds; see pageFaults); not the mixer and inputs set-up (setupS) nor close()',
    },
    nwa: {
      package: 'node-web-audio-api',
      version: nwaVersion(),
      context: 'OfflineAudioContext',
      renderQuantumFrames: 128,
      timed: 'startRendering() until it resolves, plus getChannelData() of both channels; not the context and nodes set-up (setupS)',
    },
    repeats: o.repeats,
    statistic: 'xRealtime from the median wall time of the repeats (bestXRealtime: the fastest); ratio = ringmix ÷ nwa xRealtime (cpuRatio: the same from CPU time); renders interleaved ringmix/nwa, alternating which goes first',
    levelCheck: {
      toleranceDb: TOLERANCE_DB,
      what: 'RMS of each output channel, dBFS, over the same number of frames on both sides from 1 s after each side\'s first non-zero sample to the end; diffDb = ringmix - nwa',
    },
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', loadavg1mBefore: round(loadBefore, 2), loadavg1mAfter: round(os.loadavg()[0], 2), node: process.version },
    graphs,
    ratios,
    goals,
    valid,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!valid) {
    process.stderr.write('bench:compare: INVALID: the two engines did not render the same levels (see levels in the JSON)\n');
    process.exitCode = 1;
  }
}

runMain('bench:compare', main, 2);
