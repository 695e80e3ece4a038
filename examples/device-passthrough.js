#!/usr/bin/env node
// A capture device played through an output device, with meters printed four times a second.
//
//   node device-passthrough.js [--input default] [--output default] [--seconds 10]   (Ctrl-C stops it early)
//   node device-passthrough.js --list
//
// A device is 'default', a device index from --list, an exact name ('pulse'), or name@host-API
// ('system@JACK Audio Connection Kit'). The output device is the mixer's clock: the mix runs in
// its callback, so it plays without a second clock to drift against (the capture device, unless it
// is the same one, is resampled to follow its own clock: drift compensation).
'use strict';
const { parseArgs } = require('node:util');
const { Mixer, listDevices } = require('ringmix');

const { values } = parseArgs({
  options: {
    input: { type: 'string', default: 'default' },
    output: { type: 'string', default: 'default' },
    seconds: { type: 'string', default: '10' },
    list: { type: 'boolean', default: false },
  },
});

if (values.list) {
  const devices = listDevices();
  if (devices.length === 0) console.log('no audio devices found');
  for (const d of devices) {
    const io = `in ${d.maxInputChannels}, out ${d.maxOutputChannels}, ${d.defaultSampleRate} Hz`;
    console.log(`${d.index}: ${d.name}@${d.hostApi} (${io})`);
  }
  process.exit(0);
}

/** A --input/--output value as ringmix's device selector. */
function selector(text) {
  if (/^\d+$/.test(text)) return Number(text);
  const at = text.lastIndexOf('@');
  return at > 0 ? { name: text.slice(0, at), hostApi: text.slice(at + 1) } : text;
}

const seconds = Number(values.seconds);
if (!(seconds > 0)) {
  console.error(`--seconds must be a positive number, got ${values.seconds}`);
  process.exit(2);
}

const dB = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-inf');
const levels = (peaks) => peaks.map(dB).join('/');

async function main() {
  const mixer = new Mixer({ clock: { output: selector(values.output) }, metricsIntervalMs: 250 });
  const capture = mixer.addInput({ name: 'capture', source: { device: selector(values.input) } });
  console.log(`${values.input} -> ${mixer.outputDevice.name}@${mixer.outputDevice.hostApi} at ${mixer.sampleRate} Hz`);

  // Counted in mix frames, not wall-clock time: the device's clock decides when it is done.
  const frames = Math.round(seconds * mixer.sampleRate);
  const done = new Promise((resolve, reject) => {
    mixer.on('deviceError', reject); // a device that disappears, say
    mixer.on('metrics', (m) => {
      const input = m.inputs.find((i) => i.id === capture.id);
      const t = (m.frames / mixer.sampleRate).toFixed(2);
      const meters = `in ${levels(input.peakDb)} dBFS  out ${levels(m.master.peakDb)} dBFS`;
      console.log(`${t} s  ${meters}  xruns ${m.xruns}`);
      if (m.frames >= frames) resolve();
    });
    // Ctrl-C (or a SIGTERM) ends it early, as cleanly: the mixer is closed before it exits.
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  mixer.start();
  // The mixer's metrics timer does not keep Node running by itself (a mixer alone should not hold
  // a process open): this timer does, until we are done.
  const keepAlive = setInterval(() => {}, 60000);
  try {
    await done;
  } finally {
    clearInterval(keepAlive);
    await mixer.close();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
