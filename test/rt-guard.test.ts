/**
 * The real-time safety proof: `npm test` preloads test/rtguard into jest, which counts malloc,
 * free, new, delete and lock calls made on threads the engine marks real-time (the clock thread,
 * every virtual device thread, and the JS thread while advance() runs cycles). Every test file
 * ends by checking the counts are zero (test/setup/rt-guard.ts). This file shows the guard is
 * loaded and really sees violations, then runs the engine hard and checks nothing was counted.
 */
import { Mixer } from '..';
import { native } from '../dist/native';
import { waitFor } from './helpers/wait';

describe('real-time guard', () => {
  it('is preloaded (run the suite with npm test)', () => {
    expect(native().rtGuardCounts()).not.toBeNull();
  });

  it('counts an allocation, a free and a lock made inside a real-time scope', () => {
    expect(native().rtGuardCounts()).toEqual({ allocations: 0, frees: 0, locks: 0 });
    const seen = native().rtGuardSelfTest();
    expect(seen).not.toBeNull();
    expect(seen!.allocations).toBeGreaterThanOrEqual(2); // malloc + new
    expect(seen!.frees).toBeGreaterThanOrEqual(2); // free + delete
    expect(seen!.locks).toBeGreaterThanOrEqual(1); // std::mutex
    native().rtGuardReset();
    expect(native().rtGuardCounts()).toEqual({ allocations: 0, frees: 0, locks: 0 });
  });

  it('sees nothing while the engine adds, changes, removes and mixes inputs on real-time threads', async () => {
    const mixer = new Mixer({ periodFrames: 128 });
    const tap = mixer.tap();
    const inputs = [
      mixer.addInput({ source: { generator: 'sine', frequency: 440, clockPpm: 300 } }),
      mixer.addInput({ source: { generator: 'noise', clockPpm: -300 } }),
      mixer.addInput({ source: { generator: 'impulses', intervalMs: 10 } }),
      mixer.addInput({ source: { push: { channels: 1 } } }),
    ];
    mixer.start();
    const push = inputs[3]!;
    for (let i = 0; i < 40; i++) {
      push.write(new Float32Array(480).fill(0.1));
      inputs[i % 3]!.gainDb = -i;
      inputs[(i + 1) % 3]!.pan = ((i % 5) - 2) / 2;
      inputs[(i + 2) % 3]!.muted = i % 2 === 0;
      inputs[0]!.solo = i % 7 === 0;
      mixer.master.gainDb = -(i % 4);
      tap.read();
      await new Promise((r) => setTimeout(r, 10));
    }
    const extra = mixer.addInput({ source: { generator: 'sine' } });
    await waitFor(() => mixer.metrics().frames > 48000 / 2, 'half a second of mix');
    extra.remove();
    inputs[1]!.remove();
    await waitFor(() => mixer.metrics().inputs.length === 3, 'removal');
    const simulated = new Mixer({ clock: 'simulated' });
    const s = simulated.addInput({ source: { generator: 'sine' } });
    simulated.advance(48000);
    s.gainDb = -6;
    simulated.advance(4800);
    s.remove();
    simulated.advance(4800);
    await simulated.close();
    await mixer.close();
    expect(native().rtGuardCounts()).toEqual({ allocations: 0, frees: 0, locks: 0 });
  });
});
