#!/usr/bin/env node
// Plays an audio file into the mix through a JS push input: ffmpeg decodes it to raw float
// samples at the mixer's rate and channel count, piped into the input as fast as the mix takes
// them. The mix is recorded, and the input's levels are printed twice a second.
//
//   node ffmpeg-push.js song.mp3 [--out pushed.wav] [--rate 48000] [--channels 2]
//
// Needs ffmpeg on the PATH. The mixer runs on its own real-time clock: a 3-minute song takes 3
// minutes.
'use strict';
const { spawn } = require('node:child_process');
const { pipeline } = require('node:stream/promises');
const { parseArgs } = require('node:util');
const { Mixer } = require('ringmix');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'pushed.wav' },
    rate: { type: 'string', default: '48000' },
    channels: { type: 'string', default: '2' },
  },
});
const file = positionals[0];
const channels = Number(values.channels);
if (file === undefined || (channels !== 1 && channels !== 2)) {
  console.error('usage: node ffmpeg-push.js FILE [--out pushed.wav] [--rate 48000] [--channels 1|2]');
  process.exit(2);
}

const dB = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-inf');

async function main() {
  const mixer = new Mixer({ sampleRate: Number(values.rate), channels, metricsIntervalMs: 500 });
  const input = mixer.addInput({ name: 'file', source: { push: { channels } } });
  mixer.on('metrics', (m) => {
    const i = m.inputs.find((x) => x.id === input.id);
    const t = (m.frames / mixer.sampleRate).toFixed(1);
    const peak = i.peakDb.map(dB).join('/');
    const rms = i.rmsDb.map(dB).join('/');
    console.log(`${t} s  peak ${peak} dBFS  rms ${rms} dBFS  underruns ${i.underruns}`);
  });
  const recorder = mixer.record({ path: values.out });

  // f32le: 32-bit float, little-endian, which is what input.writable() takes on x86 and ARM
  // (native byte order). ffmpeg resamples and remixes the file to the mixer's format.
  const args = ['-v', 'error', '-i', file, '-f', 'f32le', '-ar', String(mixer.sampleRate), '-ac', String(channels), '-'];
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve, reject) => {
    ffmpeg.on('error', reject); // no ffmpeg on the PATH
    ffmpeg.on('close', resolve);
  });
  mixer.start();
  let frames;
  try {
    // writable() holds back while the input's ring is full (backpressure), so ffmpeg decodes only
    // as fast as the mix plays, and nothing is lost however fast it could go.
    const [, code] = await Promise.all([pipeline(ffmpeg.stdout, input.writable()), exited]);
    if (code !== 0) throw new Error(`ffmpeg failed (exit code ${code})`);

    // Everything is written; the mix has yet to play what waits in the input's ring.
    while (mixer.metrics().inputs.find((x) => x.id === input.id).fillFrames > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    ({ frames } = await recorder.stop());
  } finally {
    await mixer.close(); // stops the recorder too, if something failed first
  }
  console.log(`recorded ${frames} frames (${(frames / mixer.sampleRate).toFixed(2)} s) to ${values.out}`);
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
