// The same app as consumer.cjs through `import`, on the simulated clock; it also checks that
// `import` and `require()` give the same classes, and that internals cannot be imported.
import { createRequire } from 'node:module';
import { Mixer, RingmixError, buildInfo } from 'ringmix';

const require = createRequire(import.meta.url);
const sampleRate = 48000;

const mixer = new Mixer({ sampleRate, clock: 'simulated' });
mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -12 } });
const tap = mixer.tap({ capacityFrames: sampleRate });
mixer.advance(sampleRate / 2);
const data = tap.read();
let peak = 0;
for (const v of data) peak = Math.max(peak, Math.abs(v));
await mixer.close();

let internal;
try {
  await import('ringmix/dist/mixer.js');
  internal = 'imported';
} catch (e) {
  internal = e.code;
}
// Errors keep their classes across the two: a closed mixer's RingmixError, a bad option's RangeError.
let closed;
try {
  mixer.advance(1);
} catch (e) {
  closed = { code: e.code, isRingmixError: e instanceof RingmixError, sameClass: e instanceof require('ringmix').RingmixError };
}
let badOption;
try {
  new Mixer({ sampleRate: -1 });
} catch (e) {
  badOption = { code: e.code, isRangeError: e instanceof RangeError };
}
console.log(JSON.stringify({
  version: buildInfo().version,
  sameMixer: require('ringmix').Mixer === Mixer,
  frames: data.length / 2,
  peakDb: 20 * Math.log10(peak),
  internal,
  closed,
  badOption,
}));
