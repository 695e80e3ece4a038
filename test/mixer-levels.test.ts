/**
 * The mix measured: levels through gains and pans, mute and solo, exact frame counts and when a
 * change takes effect. Simulated clock, so every run is identical.
 */
import { Mixer } from '..';
import { channel, goertzelDb, rmsDb, sine } from './helpers/audio';
import { db, render } from './helpers/mix';

const sampleRate = 48000;
const second = sampleRate; // analysis windows of whole seconds hold whole cycles of integer Hz

// No limiter stage: these tests check the strips' sum and the frame a change lands on exactly, with
// no look-ahead delay (the limiter's own behaviour is in mixer-dsp.test.ts).
function simulated(channels: 1 | 2 = 2): Mixer {
  return new Mixer({ sampleRate, periodFrames: 256, channels, clock: 'simulated', limiter: false });
}

describe('levels', () => {
  it('two generators through their gains measure at level + gain (within 0.05 dB)', async () => {
    const mixer = simulated();
    mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -12 }, gainDb: -3 });
    mixer.addInput({ source: { generator: 'sine', frequency: 3000, levelDb: -20 }, gainDb: 2 });
    const tap = mixer.tap();
    const out = render(mixer, tap, second);
    expect(out.length).toBe(second * 2);
    for (const ch of [0, 1]) {
      const x = channel(out, 2, ch);
      expect(Math.abs(goertzelDb(x, sampleRate, 1000) - -15)).toBeLessThan(0.05);
      expect(Math.abs(goertzelDb(x, sampleRate, 3000) - -18)).toBeLessThan(0.05);
      expect(goertzelDb(x, sampleRate, 2000)).toBeLessThan(-100); // nothing else in there
    }
    await mixer.close();
  });

  it('master gain scales the whole mix', async () => {
    const mixer = simulated();
    mixer.addInput({ source: { generator: 'sine', frequency: 500, levelDb: -10 } });
    mixer.master.gainDb = -6;
    const tap = mixer.tap();
    render(mixer, tap, 1024); // past the 10 ms ramp
    const out = render(mixer, tap, second);
    expect(Math.abs(goertzelDb(channel(out, 2, 0), sampleRate, 500) - -16)).toBeLessThan(0.05);
    await mixer.close();
  });

  it('meters report peak and RMS of inputs and master', async () => {
    const mixer = simulated();
    const a = mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 }, gainDb: -4 });
    mixer.advance(second);
    const m = mixer.metrics();
    const input = m.inputs.find((i) => i.id === a.id)!;
    for (const ch of [0, 1]) {
      expect(input.peakDb[ch]).toBeCloseTo(-10, 2);
      expect(input.rmsDb[ch]).toBeCloseTo(-10 - 3.0103, 2);
      expect(m.master.peakDb[ch]).toBeCloseTo(-10, 2);
    }
    expect(m.frames).toBe(second);
    await mixer.close();
  });
});

describe('pan law', () => {
  // A mono push input carrying a 1 kHz sine at -6 dBFS, analysed per side.
  function panned(pan: number): { left: number; right: number } {
    const mixer = simulated();
    const input = mixer.addInput({ source: { push: { channels: 1 } }, pan });
    const tap = mixer.tap();
    const tone = sine(second, { sampleRate, frequency: 1000, levelDb: -6, channels: 1 });
    let written = 0;
    const out = new Float32Array(second * 2);
    let read = 0;
    while (read < second) {
      written += input.write(tone.subarray(written));
      const chunk = render(mixer, tap, Math.min(256, second - read));
      out.set(chunk, read * 2);
      read += chunk.length / 2;
    }
    void mixer.close();
    return {
      left: goertzelDb(channel(out, 2, 0), sampleRate, 1000),
      right: goertzelDb(channel(out, 2, 1), sampleRate, 1000),
    };
  }

  it('mono sources: constant power, -3.01 dB per side at centre', () => {
    const c = panned(0);
    expect(c.left).toBeCloseTo(-6 + db(Math.SQRT1_2), 2);
    expect(c.right).toBeCloseTo(-6 + db(Math.SQRT1_2), 2);
    const half = panned(0.5); // θ = 3π/8
    expect(half.left).toBeCloseTo(-6 + db(Math.cos((3 * Math.PI) / 8)), 2);
    expect(half.right).toBeCloseTo(-6 + db(Math.sin((3 * Math.PI) / 8)), 2);
    // Power is the same wherever the source sits.
    const power = (p: { left: number; right: number }) => 10 ** (p.left / 10) + 10 ** (p.right / 10);
    expect(power(half)).toBeCloseTo(power(c), 6);
  });

  it('mono sources: hard pans put everything on one side', () => {
    const left = panned(-1);
    expect(left.left).toBeCloseTo(-6, 2);
    expect(left.right).toBe(-Infinity);
    const right = panned(1);
    expect(right.right).toBeCloseTo(-6, 2);
    expect(right.left).toBe(-Infinity);
  });

  it('stereo sources: balance, unity at centre, the far side attenuated', async () => {
    for (const [pan, left, right] of [
      [0, -6, -6],
      [-0.5, -6, -6 + db(Math.cos(Math.PI / 4))],
      [1, -Infinity, -6],
    ] as const) {
      const mixer = simulated();
      mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 }, pan });
      const tap = mixer.tap();
      const out = render(mixer, tap, second);
      const l = goertzelDb(channel(out, 2, 0), sampleRate, 1000);
      const r = goertzelDb(channel(out, 2, 1), sampleRate, 1000);
      if (left === -Infinity) expect(l).toBe(-Infinity);
      else expect(l).toBeCloseTo(left, 2);
      expect(r).toBeCloseTo(right, 2);
      await mixer.close();
    }
  });

  it('a mono mix folds stereo sources to (L + R) / 2 and ignores pan', async () => {
    const mixer = simulated(1);
    mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 }, pan: 1 });
    const tap = mixer.tap();
    const out = render(mixer, tap, second);
    expect(out.length).toBe(second);
    expect(goertzelDb(out, sampleRate, 1000)).toBeCloseTo(-6, 2);
    await mixer.close();
  });
});

describe('mute and solo', () => {
  it('mute silences an input after the ramp; unmute brings it back', async () => {
    const mixer = simulated();
    const a = mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
    const b = mixer.addInput({ source: { generator: 'sine', frequency: 2000, levelDb: -6 } });
    const tap = mixer.tap();
    render(mixer, tap, 1024);
    a.muted = true;
    render(mixer, tap, 512); // the 10 ms ramp is 480 frames
    let out = render(mixer, tap, second);
    expect(goertzelDb(channel(out, 2, 0), sampleRate, 1000)).toBeLessThan(-120);
    expect(goertzelDb(channel(out, 2, 0), sampleRate, 2000)).toBeCloseTo(-6, 2);
    a.muted = false;
    render(mixer, tap, 512);
    out = render(mixer, tap, second);
    expect(goertzelDb(channel(out, 2, 0), sampleRate, 1000)).toBeCloseTo(-6, 2);
    b.muted = true;
    a.muted = true;
    render(mixer, tap, 512);
    out = render(mixer, tap, second);
    expect(rmsDb(out)).toBe(-Infinity); // every sample exactly zero
    await mixer.close();
  });

  it('solo leaves only soloed inputs; un-solo restores the rest', async () => {
    const mixer = simulated();
    const a = mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
    const b = mixer.addInput({ source: { generator: 'sine', frequency: 2000, levelDb: -6 } });
    const c = mixer.addInput({ source: { generator: 'sine', frequency: 3000, levelDb: -6 }, muted: true });
    const tap = mixer.tap();
    b.solo = true;
    render(mixer, tap, 512);
    let x = channel(render(mixer, tap, second), 2, 1);
    expect(goertzelDb(x, sampleRate, 1000)).toBeLessThan(-120);
    expect(goertzelDb(x, sampleRate, 2000)).toBeCloseTo(-6, 2);
    c.solo = true; // soloed but muted: mute wins
    render(mixer, tap, 512);
    x = channel(render(mixer, tap, second), 2, 1);
    expect(goertzelDb(x, sampleRate, 3000)).toBeLessThan(-120);
    b.solo = false;
    c.solo = false;
    render(mixer, tap, 512);
    x = channel(render(mixer, tap, second), 2, 1);
    expect(goertzelDb(x, sampleRate, 1000)).toBeCloseTo(-6, 2);
    expect(goertzelDb(x, sampleRate, 2000)).toBeCloseTo(-6, 2);
    expect(a.solo).toBe(false);
    await mixer.close();
  });
});

describe('timing of the mix', () => {
  it('advance(n) produces exactly n frames at the tap, in whole and partial cycles', async () => {
    const mixer = simulated();
    mixer.addInput({ source: { generator: 'noise' } });
    const tap = mixer.tap();
    let total = 0;
    for (const n of [0, 1, 255, 256, 257, 12345, 48000]) {
      mixer.advance(n);
      const out = tap.read(1 << 20);
      expect(out.length).toBe(n * 2);
      total += n;
    }
    expect(mixer.metrics().frames).toBe(total);
    await mixer.close();
  });

  it('a gain change starts on the next cycle and settles after the 10 ms ramp', async () => {
    const mixer = simulated();
    const input = mixer.addInput({ source: { push: { channels: 1 } } });
    const tap = mixer.tap();
    input.write(new Float32Array(4096).fill(0.5)); // DC: every output sample shows the gain
    const before = render(mixer, tap, 512);
    const full = 0.5 * Math.SQRT1_2;
    expect(before[before.length - 1]).toBeCloseTo(full, 6);
    input.gainDb = -20;
    const after = channel(render(mixer, tap, 1024), 2, 0);
    expect(after[0]!).toBeLessThan(full - 1e-4); // the very first frame of the next cycle moves
    expect(after[0]!).toBeGreaterThan(0.05 * Math.SQRT1_2);
    for (let i = 1; i < 480; i++) expect(after[i]!).toBeLessThan(after[i - 1]!); // a smooth ramp
    for (let i = 480; i < 1024; i++) expect(after[i]!).toBeCloseTo(0.05 * Math.SQRT1_2, 6);
    await mixer.close();
  });
});
