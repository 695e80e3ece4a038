/**
 * Without audio servers, and without PortAudio at all: the device list still answers, opening a
 * device fails with a clear error, and everything that needs no device keeps working. Each case
 * runs in a child process so its environment (no server reachable, or no library) is its own.
 */
import path from 'node:path';
import { runNode } from './helpers/child';

const root = path.join(__dirname, '..');

it('with no audio server running, listDevices() works and opening a device fails clearly', async () => {
  const script = `
    const { Mixer, listDevices, RingmixError } = require(${JSON.stringify(root)});
    const devices = listDevices();
    const result = { devices: devices.map((d) => d.name + '/' + d.hostApi) };
    for (const name of ['jack', 'pulse']) {
      const d = devices.find((x) => x.name === name && x.hostApi === 'ALSA');
      if (!d) continue;
      try {
        new Mixer({ clock: { output: d.index } }).start();
        result[name] = 'opened';
      } catch (e) {
        result[name] = { code: e.code, isRingmixError: e instanceof RingmixError, message: e.message };
      }
    }
    try { new Mixer({ clock: { output: 'no such device' } }); } catch (e) { result.missing = { code: e.code, message: e.message }; }
    console.log(JSON.stringify(result));
  `;
  // No JACK server under this name, no PulseAudio in this runtime directory.
  const r = await runNode(script, {
    JACK_DEFAULT_SERVER: `ringmix-none-${process.pid}`,
    JACK_NO_START_SERVER: '1',
    PULSE_RUNTIME_PATH: path.join(root, 'build', 'no-pulse-here'),
  });
  expect(r.code).toBe(0);
  const result = JSON.parse(r.out);
  expect(result.devices.some((d: string) => d.endsWith('/JACK Audio Connection Kit'))).toBe(false);
  expect(result.missing.code).toBe('ERR_DEVICE_NOT_FOUND');
  expect(result.missing.message).toMatch(/no output device matches "no such device"; output devices: /);
  for (const name of ['jack', 'pulse']) {
    if (!result[name]) continue;
    expect(result[name]).toMatchObject({ code: 'ERR_DEVICE', isRingmixError: true });
    expect(result[name].message).toMatch(new RegExp(`cannot (open|start)`));
  }
});

it('without PortAudio the addon loads, device calls throw ERR_NO_AUDIO_BACKEND, mixing works', async () => {
  const script = `
    const { Mixer, listDevices } = require(${JSON.stringify(root)});
    const out = {};
    try { listDevices(); out.list = 'listed'; } catch (e) { out.list = { code: e.code, message: e.message }; }
    try { new Mixer({ clock: { output: 'default' } }); } catch (e) { out.clock = e.code; }
    const m = new Mixer({ clock: 'simulated' });
    try { m.addInput({ source: { device: 'default' } }); } catch (e) { out.input = e.code; }
    m.addInput({ source: { generator: 'sine', levelDb: -6 } });
    m.advance(4800);
    out.peak = m.metrics().master.peakDb[0];
    console.log(JSON.stringify(out));
  `;
  const r = await runNode(script, { RINGMIX_PORTAUDIO_LIBRARY: path.join(root, 'build', 'no-libportaudio.so') });
  expect(r.code).toBe(0);
  const out = JSON.parse(r.out);
  expect(out.list.code).toBe('ERR_NO_AUDIO_BACKEND');
  expect(out.list.message).toMatch(/apt-get install libportaudio2/);
  expect(out.clock).toBe('ERR_NO_AUDIO_BACKEND');
  expect(out.input).toBe('ERR_WRONG_CLOCK');
  expect(out.peak).toBeCloseTo(-6, 2);
});
