#!/usr/bin/env node
// npm run bench:js [-- --quick]: what the JS side of an application costs, on a mixer running on
// its real-time clock (48 kHz, 256-frame periods, four sine generators and a stereo push input).
// Phases of equal length alternate with baselines (the mixer running, JS idle); each activity's
// cost is its CPU rate minus the baselines' mean, as a share of one core: for the whole process
// (process.cpuUsage(): every thread, so the engine's own extra work, GC and libuv count too) and
// for the main JS thread alone (/proc/thread-self/schedstat). Then (d) command latency in cycles
// (latency.js). JSON on stdout, progress on stderr.
//
// Options: --quick (1.5 s phases, 10 latency trials: CI), --seconds N (per phase, default 10),
// --trials N (default 40).
'use strict';
const os = require('node:os');
const path = require('node:path');
const cpu = require('./cpu');
const activities = require('./activities');
const { commandLatency } = require('./latency');
const { parseOptions, runMain, usageError } = require('../common/cli');

const { Mixer } = require(path.join(__dirname, '..', '..'));

function parseArgs(argv) {
  const given = parseOptions(argv, { '--seconds': Number, '--trials': Number });
  const o = { quick: !!given.quick, seconds: given.quick ? 1.5 : 10, trials: given.quick ? 10 : 40 };
  if (given.seconds !== undefined) o.seconds = given.seconds;
  if (given.trials !== undefined) o.trials = given.trials;
  if (!(o.seconds >= 0.5)) throw usageError('--seconds must be at least 0.5');
  if (!(Number.isInteger(o.trials) && o.trials >= 1)) throw usageError('--trials must be a positive integer');
  return o;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 4) => (x === null ? null : Number(x.toFixed(d)));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function phase(seconds, start) {
  const stop = start?.();
  const a = cpu.sample();
  await sleep(seconds * 1000);
  const b = cpu.sample();
  const done = stop?.() ?? null;
  return { ...cpu.rates(a, b), done };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const mixer = new Mixer({ sampleRate: 48000, periodFrames: 256 }); // clock: 'virtual', real time
  for (let i = 0; i < 4; i++) {
    mixer.addInput({ source: { generator: 'sine', frequency: 220 * (i + 1), levelDb: -24 }, pan: (i - 1.5) / 2 });
  }
  const push = mixer.addInput({ name: 'push', source: { push: { channels: 2 } } });
  mixer.start();
  await sleep(300); // settled: threads up, rings primed

  const plan = [
    ['metrics60Hz', () => activities.pollMetrics(mixer)],
    ['tapRead', () => activities.readTap(mixer)],
    ['tapReadable', () => activities.readTapStream(mixer)],
    ['pushWrite', () => activities.writePush(mixer, push)],
  ];
  const baselines = [];
  const measured = {};
  let m;
  try {
    for (const [name, start] of plan) {
      process.stderr.write(`bench:js: baseline, then ${name} (${o.seconds} s each)\n`);
      baselines.push(await phase(o.seconds));
      measured[name] = await phase(o.seconds, start);
    }
    baselines.push(await phase(o.seconds));
  } finally {
    m = mixer.metrics();
    await mixer.close();
  }
  const base = {
    processCores: mean(baselines.map((b) => b.processCores)),
    mainCores: baselines.some((b) => b.mainCores === null) ? null : mean(baselines.map((b) => b.mainCores)),
  };
  const costs = {};
  for (const [name, r] of Object.entries(measured)) {
    const calls = r.done.calls ?? r.done.chunks;
    const mainCpuS = r.mainCores === null ? null : (r.mainCores - base.mainCores) * r.wallS;
    costs[name] = {
      processCoreShare: round(r.processCores - base.processCores),
      mainThreadCoreShare: r.mainCores === null ? null : round(r.mainCores - base.mainCores),
      // Per timer callback or stream chunk: the call, its wake-up and its share of GC.
      mainThreadUsPerCall: mainCpuS === null ? null : round((mainCpuS * 1e6) / calls, 1),
      ...Object.fromEntries(Object.entries(r.done).map(([k, v]) => [k, typeof v === 'number' ? round(v, 1) : v])),
    };
  }

  process.stderr.write(`bench:js: command latency (${o.trials} gain changes)\n`);
  const latency = await commandLatency({ trials: o.trials });

  const result = {
    benchmark: 'js',
    quick: o.quick,
    mixer: { clock: 'virtual', sampleRate: 48000, periodFrames: 256, inputs: '4 sine generators + 1 stereo push input', realtimePriority: m.realtimePriority },
    phaseSeconds: o.seconds,
    method: `CPU rate in each phase minus the mean of ${baselines.length} baseline phases (mixer running, JS idle) interleaved with them; processCoreShare: process.cpuUsage() (all threads); mainThreadCoreShare: ${cpu.source()} of the main thread; shares of one core`,
    baseline: {
      processCores: round(base.processCores),
      mainThreadCores: round(base.mainCores),
      processCoresRange: [round(Math.min(...baselines.map((b) => b.processCores))), round(Math.max(...baselines.map((b) => b.processCores)))],
    },
    costs,
    commandLatency: latency,
    engine: { xruns: m.xruns, skippedCycles: m.skippedCycles, dspLoad: round(m.dspLoad), cycleUsMean: round(m.cycleUs.mean, 1) },
    machine: { cpus: os.cpus().length, loadavg1m: round(os.loadavg()[0], 2), node: process.version },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

runMain('bench:js', main);
