#!/usr/bin/env node
// npm run bench:roundtrip: input-to-output latency of an impulse through the engine and a real
// audio server. Starts a private JACK server (dummy driver), runs the mix on its output device,
// loops the output back into a capture input with jack_connect, and times impulses going round.
// Prints JSON: the measured latency and what it is made of (device buffers; the input joins the
// clock's duplex stream, so it adds none). Needs jackd (Debian jackd2); run scripts/setup.sh first.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const sampleRate = 48000;
const periods = [64, 128, 256, 512];

function jackEnv(name) {
  return { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1', JACK_NO_AUDIO_RESERVATION: '1' };
}

async function until(cond, what, ms = 20000) {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// One measurement in a child process per period: PortAudio connects to a JACK server when it
// initialises, and each run has its own server.
async function measure(period) {
  const name = `ringmix-bench-${process.pid}-${period}`;
  const env = jackEnv(name);
  const jack = spawn('jackd', ['-n', name, '--no-realtime', '-d', 'dummy', '-r', String(sampleRate), '-p', String(period)], { env, stdio: 'ignore' });
  try {
    await until(() => spawnSync('jack_lsp', [], { env }).status === 0, 'jackd');
    const child = spawn(process.execPath, [__filename, '--child', String(period)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // The child prints "ports" when its streams are open; connect the loop then.
    await until(() => out.includes('ports'), 'the mixer ports');
    const ports = spawnSync('jack_lsp', [], { env, encoding: 'utf8' }).stdout.split('\n').filter((p) => p.startsWith('ringmix'));
    const outL = ports.find((p) => p.includes(':out_'));
    const inL = ports.find((p) => p.includes(':in_'));
    spawnSync('jack_disconnect', ['system:capture_1', inL], { env });
    spawnSync('jack_connect', [outL, inL], { env });
    const code = await new Promise((r) => child.on('exit', r));
    if (code !== 0) throw new Error(`measurement for period ${period} failed`);
    return JSON.parse(out.slice(out.indexOf('{')));
  } finally {
    jack.kill('SIGTERM');
  }
}

async function child(period) {
  const { Mixer } = require(path.join(__dirname, '..'));
  const device = { name: 'system', hostApi: 'JACK Audio Connection Kit' };
  const mixer = new Mixer({ sampleRate, periodFrames: period, clock: { output: device } });
  mixer.addInput({ source: { generator: 'impulses', intervalMs: 100, levelDb: -6 }, pan: -1 });
  const loop = mixer.addInput({ source: { device, channels: [0] }, pan: 1 });
  const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
  mixer.start();
  console.log('ports');
  const frames = [];
  let total = 0;
  await until(() => (mixer.metrics().inputs.find((i) => i.id === loop.id)?.peakDb[0] ?? -Infinity) > -7, 'the echo');
  tap.read();
  await until(() => {
    const c = tap.read();
    frames.push(c);
    total += c.length / 2;
    return total >= sampleRate;
  }, 'a second of mix');
  const all = new Float32Array(total * 2);
  let off = 0;
  for (const c of frames) all.set(c, (off += c.length) - c.length);
  const latencies = [];
  const interval = sampleRate / 10;
  for (let i = 0; i < total; i++) {
    if (all[2 * i] <= 0.25) continue;
    for (let j = i + 1; j < Math.min(total, i + interval); j++) {
      if (all[2 * j + 1] > 0.25) {
        latencies.push(j - i);
        break;
      }
    }
  }
  const m = mixer.metrics();
  const input = m.inputs.find((i) => i.id === loop.id);
  await mixer.close();
  const latency = Math.min(...latencies);
  console.log(JSON.stringify({
    periodFrames: period,
    impulses: latencies.length,
    latencyFrames: latency,
    latencyMs: +((1000 * latency) / sampleRate).toFixed(3),
    steady: latencies.every((l) => l === latency),
    parts: {
      outputDeviceMs: +m.clockDevice.latencyMs.toFixed(3),
      inputDeviceMs: +input.device.latencyMs.toFixed(3),
      // The capture input is on the clock's device, so it joins the clock's duplex stream: no
      // ring latency of its own.
      inputRingFrames: 0,
    },
  }));
}

async function main() {
  if (process.argv[2] === '--child') return child(Number(process.argv[3]));
  const results = [];
  for (const p of periods) {
    process.stderr.write(`bench:roundtrip: period ${p}...\n`);
    results.push(await measure(p));
  }
  // Latency in periods stays constant as the period shrinks: the output buffer and JACK's loop, one
  // period each; the engine adds none.
  const ratios = Object.fromEntries(results.map((r) => [`latency_in_periods_${r.periodFrames}`, +(r.latencyFrames / r.periodFrames).toFixed(2)]));
  console.log(JSON.stringify({ benchmark: 'roundtrip', server: 'JACK dummy driver', sampleRate, results, ratios }, null, 2));
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
