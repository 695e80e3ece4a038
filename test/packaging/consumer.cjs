// An app using the installed package through require(): three generators on the virtual (real
// time) clock, a tap and a FLAC recording of the same second. Writes the tap's audio (raw
// interleaved float32) beside the recording and prints what it saw as JSON.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Mixer, buildInfo } = require('ringmix');

const [recording] = process.argv.slice(2);
const sampleRate = 48000;

async function main() {
  const mixer = new Mixer({ sampleRate, periodFrames: 256 });
  for (const frequency of [440, 1000, 2500]) mixer.addInput({ source: { generator: 'sine', frequency, levelDb: -20 } });
  const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
  const recorder = mixer.record({ path: recording, format: 'flac' });
  mixer.start();
  const chunks = [];
  let frames = 0;
  while (frames < sampleRate) {
    await new Promise((r) => setTimeout(r, 50));
    const data = tap.read();
    chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    frames += data.length / 2;
  }
  const result = await recorder.stop();
  const lost = tap.lostFrames;
  await mixer.close();
  fs.writeFileSync(`${recording}.f32`, Buffer.concat(chunks));
  const root = path.dirname(require.resolve('ringmix/package.json'));
  console.log(JSON.stringify({
    version: buildInfo().version,
    addon: require('node-gyp-build').path(root),
    tapFrames: frames,
    tapLost: lost,
    recordedFrames: result.frames,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
