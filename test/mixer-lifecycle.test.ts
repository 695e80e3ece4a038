/**
 * Lifetimes: many mixers created and closed, mixers in workers, and processes that exit with a
 * mixer still running.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Mixer, type Tap } from '..';
import { runNode } from './helpers/child';

const root = path.join(__dirname, '..');

describe('lifecycle', () => {
  it('1,000 create/use/close cycles do not grow memory', async () => {
    const cycle = async (i: number) => {
      const mixer = new Mixer({ clock: i % 2 ? 'simulated' : 'virtual' });
      const input = mixer.addInput({ source: { generator: 'sine' } });
      mixer.addInput({ source: { push: { channels: 1 } } }).write(new Float32Array(256));
      const tap = mixer.tap();
      if (mixer.clock === 'simulated') mixer.advance(1024);
      else mixer.start();
      input.gainDb = -6;
      tap.read();
      mixer.metrics();
      await mixer.close();
    };
    for (let i = 0; i < 100; i++) await cycle(i); // warm up allocator and JIT
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) await cycle(i);
    const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
    // Each mixer holds ~3 MB of native rings; a leak of one per cycle would be gigabytes.
    expect(grownMb).toBeLessThan(64);
  });

  it('runs in worker threads, and a worker exiting with a running mixer cleans it up', async () => {
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { Mixer } = require(${JSON.stringify(root)});
      const sim = new Mixer({ clock: 'simulated' });
      sim.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
      const tap = sim.tap();
      sim.advance(4800);
      const frames = tap.read().length / 2;
      const live = new Mixer();
      live.addInput({ source: { generator: 'noise' } });
      live.start(); // never closed: the environment's cleanup hook must stop it
      parentPort.postMessage({ frames, peak: sim.metrics().master.peakDb[0] });
    `;
    const run = () =>
      new Promise<{ msg: { frames: number; peak: number }; exitCode: number }>((resolve, reject) => {
        const w = new Worker(code, { eval: true });
        let msg: { frames: number; peak: number } | undefined;
        w.on('message', (m) => (msg = m));
        w.on('error', reject);
        w.on('exit', (exitCode) => (msg ? resolve({ msg, exitCode }) : reject(new Error('no message'))));
      });
    const results = await Promise.all([run(), run(), run()]);
    for (const r of results) {
      expect(r.exitCode).toBe(0);
      expect(r.msg.frames).toBe(4800);
      expect(r.msg.peak).toBeCloseTo(-6, 2);
    }
    // terminate() from outside while the mixer runs.
    const w = new Worker(
      `const { Mixer } = require(${JSON.stringify(root)}); const m = new Mixer(); m.addInput({ source: { generator: 'sine' } }); m.start(); require('node:worker_threads').parentPort.postMessage('up'); setInterval(() => {}, 1000);`,
      { eval: true },
    );
    await new Promise((r) => w.once('message', r));
    expect(await w.terminate()).toBe(1);
  });

  it('a process that exits with a running mixer does not hang', async () => {
    const script = `
      const { Mixer } = require(${JSON.stringify(root)});
      const m = new Mixer();
      m.addInput({ source: { generator: 'sine' } });
      m.on('metrics', () => {});
      m.start();
      setTimeout(() => console.log('frames', m.metrics().frames > 0), 200);
    `;
    const { code, out } = await runNode(script);
    expect(code).toBe(0);
    expect(out.trim()).toBe('frames true');
  });
});

describe('explicit resource management', () => {
  it('`await using` closes the mixer and `using` closes a tap at the end of their block', async () => {
    let mixer: Mixer | undefined;
    let tap: Tap | undefined;
    {
      await using m = new Mixer({ clock: 'simulated' });
      m.addInput({ source: { generator: 'sine' } });
      using t = m.tap();
      m.advance(512);
      expect(t.read()).toHaveLength(1024);
      mixer = m;
      tap = t;
    }
    expect(mixer.closed).toBe(true);
    expect(() => mixer!.metrics()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    expect(() => tap!.read()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  });

  it('a block left by an exception still closes the mixer; disposing after close() is harmless', async () => {
    let mixer: Mixer | undefined;
    const body = async () => {
      await using m = new Mixer({ clock: 'simulated' });
      using t = m.tap();
      mixer = m;
      await m.close(); // the tap is closed with it: its disposal must not throw
      void t;
      throw new Error('left early');
    };
    await expect(body()).rejects.toThrow('left early');
    expect(mixer!.closed).toBe(true);
  });
});
