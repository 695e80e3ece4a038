#!/usr/bin/env node
// Three test-signal generators mixed and rendered to a file, faster than real time.
//
//   node generators-to-file.js [--out mix.wav] [--seconds 10] [--rate 48000]
//
// The format comes from the file's extension: .wav (24-bit), .flac, .mp3 or .opus.
'use strict';
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Mixer } = require('ringmix');

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'mix.wav' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '48000' },
  },
});
const seconds = Number(values.seconds);
const sampleRate = Number(values.rate);
const format = path.extname(values.out).slice(1).toLowerCase();
if (!['wav', 'flac', 'mp3', 'opus'].includes(format)) {
  console.error(`--out must end in .wav, .flac, .mp3 or .opus, got ${values.out}`);
  process.exit(2);
}
if (!(seconds > 0)) {
  console.error(`--seconds must be a positive number, got ${values.seconds}`);
  process.exit(2);
}

async function main() {
  // The simulated clock has no real time: advance() runs the mix cycles on this thread, as fast as
  // the CPU goes, and waits for the recorder, so the file gets every frame.
  const mixer = new Mixer({ sampleRate, clock: 'simulated' });
  mixer.addInput({ name: 'A4', source: { generator: 'sine', frequency: 440, levelDb: -12 }, pan: -1 });
  mixer.addInput({ name: '1 kHz', source: { generator: 'sine', frequency: 1000, levelDb: -18 }, pan: 1 });
  mixer.addInput({ name: 'clicks', source: { generator: 'impulses', intervalMs: 250, levelDb: -6 } });

  const recorder = mixer.record({ path: values.out, format, metadata: { title: 'ringmix generators' } });
  recorder.on('error', (err) => console.error(`recording failed: ${err.message}`)); // a full disk, say

  // A tenth of a second per call keeps each call short; the total is exact.
  let left = Math.round(seconds * sampleRate);
  while (left > 0) {
    const n = Math.min(left, sampleRate / 10);
    mixer.advance(n);
    left -= n;
  }
  const { frames, files } = await recorder.stop();
  console.log(`recorded ${frames} frames (${(frames / sampleRate).toFixed(2)} s) to ${files.join(', ')}`);
  await mixer.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
