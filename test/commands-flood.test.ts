/**
 * Floods of control calls, without yielding to the event loop: they never throw, never block the
 * JS thread waiting for the mix, and what they ask for is what the mix ends up doing. Parameters
 * are state (the newest value wins), so a fader moved 50,000 times costs nothing; structural
 * changes (inputs coming and going) beyond the real-time queue's size wait, in order, on the JS
 * side.
 */
import { Mixer, type Input } from '..';
import { waitFor } from './helpers/wait';

const sampleRate = 48000;

/** Every setter, `n` times, ending at known values. */
function floodSetters(mixer: Mixer, inputs: Input[], n: number): void {
  for (let i = 0; i < n; i++) {
    const input = inputs[i % inputs.length]!;
    input.gainDb = -(i % 60);
    input.pan = ((i % 21) - 10) / 10;
    input.muted = i % 2 === 0;
    input.solo = i % 3 === 0;
    mixer.master.gainDb = -(i % 7);
  }
  for (const input of inputs) {
    input.gainDb = -12;
    input.pan = 0;
    input.muted = false;
    input.solo = false;
  }
  mixer.master.gainDb = 0;
}

/** Adds and removes `n` inputs, one at a time, without yielding. */
function floodInputs(mixer: Mixer, n: number): void {
  for (let i = 0; i < n; i++) mixer.addInput({ source: { generator: 'silence' } }).remove();
}

const peakOf = (mixer: Mixer, input: Input): number => mixer.metrics().inputs.find((i) => i.id === input.id)!.peakDb[0]!;

describe('command floods', () => {
  it('50,000 setter calls on a running mixer: none throws, the last values are what plays', async () => {
    const mixer = new Mixer({ sampleRate, periodFrames: 256 });
    try {
      const inputs = [1, 2, 3].map((k) => mixer.addInput({ source: { generator: 'sine', frequency: 250 * k, levelDb: -6 } }));
      mixer.start();
      const started = performance.now();
      floodSetters(mixer, inputs, 50000);
      console.log(`50,000 setter calls on a running mixer: ${(performance.now() - started).toFixed(0)} ms`);
      // Input meters are post-fader: -6 dBFS at -12 dB reads -18 once the ramp and window passed.
      await waitFor(() => inputs.every((input) => Math.abs(peakOf(mixer, input) - -18) < 0.05), 'the final gains');
      expect(mixer.metrics().master.peakDb[0]).toBeGreaterThan(-18);
    } finally {
      await mixer.close();
    }
  });

  it('2,000 inputs added and removed on a running mixer, beyond the real-time queue: all applied, in order', async () => {
    const mixer = new Mixer({ sampleRate, periodFrames: 256 });
    try {
      const keep = mixer.addInput({ name: 'keep', source: { generator: 'sine', levelDb: -12 } });
      mixer.start();
      floodInputs(mixer, 2000); // 4,000 commands: the queue holds 1,024
      const last = mixer.addInput({ name: 'last', source: { generator: 'sine', levelDb: -20 } });
      await waitFor(() => mixer.metrics().inputs.map((i) => i.name).join() === 'keep,last', 'only keep and last');
      await waitFor(() => Math.abs(peakOf(mixer, last) - -20) < 0.05, 'the last input playing');
      expect(mixer.inputs).toEqual([keep, last]);
    } finally {
      await mixer.close();
    }
  });

  it.each(['stopped', 'simulated'] as const)('the same floods on a %s mixer apply at once', async (kind) => {
    const mixer = new Mixer({ sampleRate, periodFrames: 256, ...(kind === 'simulated' ? { clock: 'simulated' } : {}) });
    try {
      const inputs = [mixer.addInput({ source: { generator: 'sine', levelDb: -6 } })];
      floodSetters(mixer, inputs, 20000);
      floodInputs(mixer, 1500);
      // No clock runs the cycle: the JS thread applied every command itself, so the metrics
      // (republished when that happens) list exactly the one input left.
      expect(mixer.metrics().inputs.map((i) => i.id)).toEqual([inputs[0]!.id]);
      if (kind === 'simulated') {
        mixer.advance(sampleRate / 2);
        expect(peakOf(mixer, inputs[0]!)).toBeCloseTo(-18, 2);
      }
    } finally {
      await mixer.close();
    }
  });
});
