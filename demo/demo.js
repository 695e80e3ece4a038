#!/usr/bin/env node
// npm run demo [-- --seconds N] [--record FILE] [--stream URL]
//
// A mixer on its own real-time clock (no sound card needed) with three virtual devices: a 440 Hz
// tone, white noise riding a slow fader, and a click track. Their meters and the master's are
// redrawn in place from the engine's metrics while a tap reads the mix.
//   --record FILE  records the mix (the format from the extension: .wav .flac .mp3 .opus)
//   --stream URL   streams it to an Icecast mount, http://source:PASSWORD@host:port/mount.mp3
//                  (.ogg or .opus in the mount: Ogg/Opus; the password is never printed)
'use strict';
const path = require('node:path');
const { Mixer, buildInfo } = require('..');

function option(argv, name, parse) {
  const i = argv.indexOf(name);
  if (i === -1) return undefined;
  const v = parse(argv[i + 1]);
  if (v === undefined) {
    console.error(`demo: ${name} needs a value`);
    process.exit(2);
  }
  return v;
}

const argv = process.argv.slice(2);
const seconds = option(argv, '--seconds', (v) => (Number(v) > 0 ? Number(v) : undefined)) ?? 10;
const recordPath = option(argv, '--record', (v) => v || undefined);
const streamUrl = option(argv, '--stream', (v) => v || undefined);
const info = buildInfo();
console.log(`ringmix ${info.version} (addon built by ${info.compiler})`);

const mixer = new Mixer({ sampleRate: 48000, periodFrames: 256, metricsIntervalMs: 50 });
mixer.addInput({ name: 'tone 440', source: { generator: 'sine', frequency: 440, levelDb: -12 }, pan: -0.4 });
const noise = mixer.addInput({ name: 'noise', source: { generator: 'noise', levelDb: -20, clockPpm: 40 }, pan: 0.4 });
mixer.addInput({ name: 'clicks', source: { generator: 'impulses', levelDb: -6, intervalMs: 500, clockPpm: -25 } });
const tap = mixer.tap();
mixer.start();

let recorder;
if (recordPath) {
  const ext = path.extname(recordPath).slice(1).toLowerCase();
  const format = ['flac', 'mp3', 'opus'].includes(ext) ? ext : 'wav';
  recorder = mixer.record({ path: recordPath, format, metadata: { title: 'ringmix demo' } });
  recorder.on('error', (e) => console.error(`demo: recording failed: ${e.message}`));
}
let broadcast;
if (streamUrl) {
  const format = /\.(ogg|opus)$/i.test(new URL(streamUrl).pathname) ? 'opus' : 'mp3';
  broadcast = mixer.stream({ url: streamUrl, format, name: 'ringmix demo' });
  broadcast.on('connected', (e) => console.error(`demo: streaming to ${e.url} (${format})`));
  broadcast.on('disconnected', (e) => console.error(`demo: stream ${e.reason}, retrying in ${e.retryInMs} ms`));
  broadcast.on('error', (e) => console.error(`demo: stream failed: ${e.message}`));
  void broadcast.setMetadata({ title: 'ringmix demo' });
}

const tty = process.stdout.isTTY;
const width = 36;
const fmt = (v) => (Number.isFinite(v) ? v.toFixed(1).padStart(6) : '  -inf');
function bar(db) {
  const n = Number.isFinite(db) ? Math.max(0, Math.min(width, Math.round(((db + 60) / 60) * width))) : 0;
  return '#'.repeat(n) + '.'.repeat(width - n);
}
function row(name, peakDb, rmsDb) {
  const lines = peakDb.map((p, ch) => `${ch ? ' '.repeat(10) : name.padEnd(10)} ${'LR'[ch]} [${bar(p)}] peak ${fmt(p)}  rms ${fmt(rmsDb[ch])} dBFS`);
  return lines.join('\n');
}

let frames = 0;
let drawnLines = 0;
let lastPlain = 0;
const start = Date.now();
mixer.on('metrics', (m) => {
  frames += tap.read().length / 2; // a consumer of the mix, reading at its own pace
  const t = (Date.now() - start) / 1000;
  noise.gainDb = -12 + 12 * Math.sin(t); // a fader move, applied on the next cycle with a ramp
  const lines = [
    ...m.inputs.map((i) => row(i.name, i.peakDb, i.rmsDb)),
    row('master', m.master.peakDb, m.master.rmsDb),
    `cycles ${m.cycles}  xruns ${m.xruns}  dsp ${(m.dspLoad * 100).toFixed(2)}%  late ${m.lateUs.mean.toFixed(0)}/${m.lateUs.max.toFixed(0)} us  ` +
      `SCHED_FIFO ${m.realtimePriority ? 'yes' : 'no'}  tap ${frames} frames, lost ${tap.lostFrames}`,
  ].join('\n');
  if (tty) {
    if (drawnLines) process.stdout.write(`\x1b[${drawnLines}A`);
    process.stdout.write(lines.split('\n').map((l) => `\x1b[2K${l}`).join('\n') + '\n');
    drawnLines = lines.split('\n').length;
  } else if (Date.now() - lastPlain >= 1000) {
    lastPlain = Date.now();
    console.log(`${lines}\n`);
  }
});

async function stop() {
  const m = mixer.metrics();
  const recorded = recorder ? await recorder.stop() : undefined;
  const streamed = broadcast ? broadcast.stats() : undefined;
  if (broadcast) await broadcast.stop();
  await mixer.close();
  console.log(`\nmixed ${m.frames} frames in ${m.cycles} cycles, ${m.xruns} xruns; tap read ${frames} frames`);
  if (recorded) console.log(`recorded ${recorded.frames} frames to ${recorded.files.join(', ')} (${recorded.dropouts} dropouts)`);
  if (streamed) {
    const lag = streamed.encoderLagMs === null ? '-' : `${streamed.encoderLagMs.toFixed(0)} ms`;
    console.log(`streamed ${streamed.bytesSent} bytes to ${broadcast.url}, ${streamed.reconnects} reconnects, encoder lag ${lag}`);
  }
  process.exit(0);
}
setTimeout(stop, seconds * 1000);
process.on('SIGINT', stop);
