/**
 * The strips' DSP blocks and the master's chain through the public API, on the simulated clock,
 * judged by measuring the mix a tap reads: each block does what its settings say (levels and
 * frequencies), the setters merge and validate, and the meters (gain reduction, peak programme,
 * loudness) report what happened. The blocks' own accuracy (responses within 0.1 dB, time
 * constants, EBU cases) is proven natively in test/dsp and test/dsp-master.
 */
import { Mixer, type Input } from '..';
import { channel, toneDb } from './helpers/audio';
import { render } from './helpers/mix';

const rate = 48000;

function mixer(): Mixer {
  return new Mixer({ sampleRate: rate, periodFrames: 256, clock: 'simulated' });
}

/** Renders `seconds`, then measures the next second of the left channel. */
function settle(m: Mixer, seconds = 0.5): Float32Array {
  const tap = m.tap({ capacityFrames: 2 * rate });
  render(m, tap, Math.round(seconds * rate));
  const out = channel(render(m, tap, rate), 2, 0);
  tap.close();
  return out;
}

const close = async (m: Mixer) => m.close();

describe('input strip', () => {
  it('the high-pass takes out rumble and leaves the voice band', async () => {
    const m = mixer();
    m.addInput({ source: { generator: 'sine', frequency: 50, levelDb: -12 } });
    const voice = m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -12 } });
    const before = settle(m);
    for (const input of m.inputs) input.highPass = { frequency: 200, slope: 24 };
    const after = settle(m);
    // 24 dB/oct Butterworth at 200 Hz: 50 Hz is two octaves down, ~-48 dB; 1 kHz within 0.05 dB.
    expect(toneDb(before, rate, 50) - toneDb(after, rate, 50)).toBeGreaterThan(40);
    expect(Math.abs(toneDb(after, rate, 1000) - toneDb(before, rate, 1000))).toBeLessThan(0.05);
    expect(voice.highPass).toEqual({ enabled: true, frequency: 200, slope: 24 });
    voice.highPass = null;
    expect(voice.highPass).toEqual({ enabled: false, frequency: 200, slope: 24 });
    await close(m);
  });

  it('the EQ boosts its mid band by its gain at its frequency; partial assignments merge', async () => {
    const m = mixer();
    const tone = m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -24 } });
    const flat = toneDb(settle(m), rate, 1000);
    tone.eq = { mid: { frequency: 1000, gainDb: 12, q: 1 } };
    expect(toneDb(settle(m), rate, 1000) - flat).toBeCloseTo(12, 1);
    tone.eq = { mid: { gainDb: -6 } }; // frequency and q kept
    expect(tone.eq.mid).toEqual({ frequency: 1000, gainDb: -6, q: 1 });
    expect(toneDb(settle(m), rate, 1000) - flat).toBeCloseTo(-6, 1);
    tone.eq = { enabled: false };
    expect(toneDb(settle(m), rate, 1000) - flat).toBeCloseTo(0, 1);
    await close(m);
  });

  it('the compressor follows its static curve and reports its gain reduction', async () => {
    const m = mixer();
    const tone = m.addInput({
      source: { generator: 'sine', frequency: 1000, levelDb: -6 },
      compressor: { thresholdDb: -20, ratio: 4, kneeDb: 0, attackMs: 1, releaseMs: 50 },
    });
    // 14 dB over the threshold at 4:1 comes out 3.5 dB over it: -16.5 dBFS.
    expect(toneDb(settle(m), rate, 1000)).toBeCloseTo(-16.5, 0);
    const gr = m.metrics().inputs[0]!.gainReductionDb;
    expect(gr).toBeGreaterThan(10);
    expect(gr).toBeLessThan(11);
    tone.compressor = { makeupDb: 6 };
    expect(toneDb(settle(m), rate, 1000)).toBeCloseTo(-10.5, 0);
    await close(m);
  });

  it('a sidechain ducks music under a voice', async () => {
    const m = mixer();
    const voice = m.addInput({ source: { generator: 'silence' } });
    const music = m.addInput({
      source: { generator: 'sine', frequency: 440, levelDb: -20 },
      compressor: { thresholdDb: -30, ratio: 10, kneeDb: 0, attackMs: 5, releaseMs: 100, sidechain: voice },
    });
    expect(music.compressor.sidechain).toBe(voice);
    // The music alone is above the threshold but the detector listens to the (silent) voice.
    const alone = toneDb(settle(m), rate, 440);
    expect(alone).toBeCloseTo(-20, 1);
    const speaker = m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
    music.compressor = { sidechain: speaker };
    // The voice at -6 dBFS is 24 dB over: at 10:1 the music goes down by 21.6 dB.
    const ducked = settle(m);
    expect(alone - toneDb(ducked, rate, 440)).toBeCloseTo(21.6, 0);
    expect(toneDb(ducked, rate, 1000)).toBeCloseTo(-6, 1); // the voice itself untouched
    music.compressor = { sidechain: null };
    expect(music.compressor.sidechain).toBeNull();
    expect(() => (music.compressor = { sidechain: music })).toThrow(TypeError);
    expect(() => (music.compressor = { sidechain: {} as Input })).toThrow(TypeError);
    await close(m);
  });

  it('the gate closes by its range below the threshold and opens above it', async () => {
    const m = mixer();
    const quiet = m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -60 } });
    const open = toneDb(settle(m), rate, 1000);
    quiet.gate = { thresholdDb: -50, rangeDb: 40, holdMs: 10, releaseMs: 20 };
    expect(open - toneDb(settle(m), rate, 1000)).toBeCloseTo(40, 0);
    expect(m.metrics().inputs[0]!.gainReductionDb).toBeCloseTo(40, 0);
    quiet.gate = { thresholdDb: -70 };
    expect(toneDb(settle(m), rate, 1000)).toBeCloseTo(open, 1);
    await close(m);
  });

  it('every parameter is checked, naming it and its range; nothing changes on a bad one', async () => {
    const m = mixer();
    const input = m.addInput({ source: { generator: 'silence' } });
    expect(() => (input.eq = { mid: { gainDb: 19 } })).toThrow(/eq\.mid\.gainDb must be .* from -18 to 18/);
    expect(() => (input.highPass = { slope: 18 as 12 })).toThrow(RangeError);
    expect(() => (input.highPass = { frequency: 'x' as unknown as number })).toThrow(TypeError);
    expect(() => (input.compressor = { ratio: 0.5 })).toThrow(/compressor\.ratio/);
    expect(() => (input.gate = { holdMs: -1 })).toThrow(/gate\.holdMs/);
    expect(() => (input.eq = { bogus: 1 } as never)).toThrow(TypeError);
    expect(() => (m.master.limiter = { ceilingDbtp: 1 })).toThrow(/master\.limiter\.ceilingDbtp/);
    expect(() => m.addInput({ source: { generator: 'silence' }, eq: { high: { frequency: 23000 } } })).toThrow(/from 20 to 20000/);
    const low = new Mixer({ sampleRate: 32000, clock: 'simulated' });
    expect(() => low.addInput({ source: { generator: 'silence' }, eq: { high: { frequency: 15000 } } })).toThrow(/45% of the sample rate \(14400 Hz\)/);
    await low.close();
    expect(input.eq.enabled).toBe(false);
    expect(m.master.limiter).toEqual({ enabled: true, ceilingDbtp: -1, releaseMs: 50 });
    await close(m);
  });
});

describe('master chain', () => {
  it('the limiter is on by default: an overdriven mix never passes -1 dBTP', async () => {
    const m = mixer();
    m.addInput({ source: { generator: 'sine', frequency: 997, levelDb: -6 }, gainDb: 18 }); // +12 dBFS
    const out = settle(m, 1);
    let peak = 0;
    for (const x of out) peak = Math.max(peak, Math.abs(x));
    expect(20 * Math.log10(peak)).toBeLessThanOrEqual(-1 + 1e-3);
    const meters = m.metrics().master;
    expect(meters.loudness.truePeakDbtp).toBeLessThanOrEqual(-1 + 0.05);
    expect(meters.gainReductionDb.limiter).toBeGreaterThan(12);
    expect(meters.latencyFrames).toBeGreaterThan(0);
    const latency = meters.latencyFrames;
    m.master.limiter = { enabled: false };
    settle(m, 0.1);
    expect(m.metrics().master.latencyFrames).toBe(latency); // the timeline never shifts
    await close(m);
  });

  it('the master EQ and compressor shape the whole mix', async () => {
    const m = mixer();
    m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -12 } });
    const flat = toneDb(settle(m), rate, 1000);
    m.master.eq = { mid: { frequency: 1000, gainDb: -9, q: 2 } };
    expect(toneDb(settle(m), rate, 1000) - flat).toBeCloseTo(-9, 1);
    m.master.compressor = { thresholdDb: -30, ratio: 2, kneeDb: 0 };
    // -21 dBFS after the EQ, 9 dB over at 2:1: -25.5 dBFS.
    expect(toneDb(settle(m), rate, 1000)).toBeCloseTo(-25.5, 0);
    expect(m.metrics().master.gainReductionDb.compressor).toBeCloseTo(4.5, 0);
    await close(m);
  });

  it('loudness: a -23 dBFS 1 kHz stereo tone reads -23 LUFS; resetLoudness starts over', async () => {
    const m = mixer();
    m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -23 } });
    m.advance(10 * rate);
    const l = m.metrics().master.loudness;
    // EBU Tech 3341 case 1: -23.0 ±0.1 LUFS (M, S and I).
    expect(l.momentaryLufs).toBeCloseTo(-23, 1);
    expect(l.shortTermLufs).toBeCloseTo(-23, 1);
    expect(l.integratedLufs).toBeCloseTo(-23, 1);
    expect(l.truePeakDbtp).toBeCloseTo(-23, 0);
    expect(l.rangeLu).toBeLessThan(0.5);
    m.resetLoudness();
    m.advance(256);
    expect(m.metrics().master.loudness.integratedLufs).toBe(-Infinity);
    m.advance(rate);
    expect(m.metrics().master.loudness.integratedLufs).toBeCloseTo(-23, 1);
    await close(m);
  });

  it('the peak programme meter holds the peak and falls back at its decay rate', async () => {
    const m = mixer();
    const tone = m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -10 } });
    m.advance(rate);
    const loud = m.metrics().inputs[0]!;
    expect(loud.ppmDb[0]).toBeCloseTo(-10, 0);
    expect(loud.peakHoldDb[0]).toBeCloseTo(-10, 0);
    tone.gainDb = -Infinity;
    m.advance(Math.round(0.85 * rate)); // half of 1.7 s: 10 dB down at 20 dB per 1.7 s
    const falling = m.metrics().inputs[0]!;
    expect(falling.ppmDb[0]).toBeLessThan(-17);
    expect(falling.ppmDb[0]).toBeGreaterThan(-23);
    expect(falling.peakHoldDb[0]).toBeCloseTo(-10, 0); // still held
    await close(m);
  });
});

describe('the limiter stage', () => {
  it('bypassed, the mix is the strips\' sum delayed by latencyFrames exactly; limiter: false has no delay', async () => {
    const run = async (limiter: boolean, bypass: boolean): Promise<{ out: Float32Array; latency: number }> => {
      const m = new Mixer({ sampleRate: rate, periodFrames: 256, clock: 'simulated', limiter });
      const input = m.addInput({ source: { push: { channels: 1 } } });
      if (bypass) m.master.limiter = null;
      const tap = m.tap();
      const data = new Float32Array(4800).map((_, i) => Math.sin(i * 0.05) * 0.5);
      input.write(data);
      const out = render(m, tap, 4800);
      const latency = m.metrics().master.latencyFrames;
      await m.close();
      return { out: channel(out, 2, 0), latency };
    };
    const plain = await run(false, false);
    expect(plain.latency).toBe(0);
    const bypassed = await run(true, true);
    expect(bypassed.latency).toBeGreaterThan(0);
    // After the bypass fade (10 ms), sample for sample the same, shifted by the latency.
    for (let i = 1000; i < 4800 - bypassed.latency; i++) expect(bypassed.out[i + bypassed.latency]).toBe(plain.out[i]);
    const m = new Mixer({ clock: 'simulated', limiter: false });
    expect(() => (m.master.limiter = { ceilingDbtp: -2 })).toThrow(expect.objectContaining({ code: 'ERR_NO_LIMITER' }));
    expect(m.master.limiter.enabled).toBe(false);
    await m.close();
  });
});
