// Type-checked as CommonJS (require condition: dist/index.d.ts), and as a copy named consumer.mts as an
// ES module (import condition: dist/index.d.mts), by test/packaging.test.ts.
import { Mixer, RingmixError, type InputOptions, type Metrics, type MixerOptions } from 'ringmix';
// @ts-expect-error: internals are not part of the package's exports
import { Mixer as Internal } from 'ringmix/dist/mixer';

const options: MixerOptions = { sampleRate: 48000, clock: 'simulated' };
const mixer = new Mixer(options);
const input: InputOptions = { source: { generator: 'sine', frequency: 440 }, gainDb: -6 };
mixer.addInput(input).pan = 0.5;
mixer.advance(480);
const metrics: Metrics = mixer.metrics();
const frames: number = metrics.frames;
// @ts-expect-error: a sample rate is a number (the types are real, not any)
new Mixer({ sampleRate: 'fast' });
export const checked = [frames, RingmixError, Internal];
