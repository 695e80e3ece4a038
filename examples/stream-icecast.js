#!/usr/bin/env node
// Streams a mix to an Icecast server for a while, then prints the stream's statistics.
//
//   node stream-icecast.js [--url http://source:PASSWORD@host:8000/live.mp3] [--seconds 30]
//   ICECAST_URL=http://source:PASSWORD@host:8000/live.opus node stream-icecast.js
//
// --url wins over ICECAST_URL. A mount ending in .opus or .ogg gets Ogg/Opus, any other MP3. The
// password never appears in what this prints: ringmix redacts it from its URLs and messages.
'use strict';
const { parseArgs } = require('node:util');
const { Mixer } = require('ringmix');

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.ICECAST_URL ?? 'http://source:hackme@127.0.0.1:8000/live.mp3' },
    seconds: { type: 'string', default: '30' },
  },
});
const seconds = Number(values.seconds);
if (!(seconds > 0)) {
  console.error(`--seconds must be a positive number, got ${values.seconds}`);
  process.exit(2);
}
const format = /\.(opus|ogg)$/i.test(new URL(values.url).pathname) ? 'opus' : 'mp3';

async function main() {
  // The mixer's own real-time clock: the stream goes out at the pace of the audio.
  const mixer = new Mixer({ sampleRate: 48000 });
  mixer.addInput({ name: 'A4', source: { generator: 'sine', frequency: 440, levelDb: -12 } });
  mixer.addInput({ name: 'noise', source: { generator: 'noise', levelDb: -40 } });
  mixer.start();

  const live = mixer.stream({ url: values.url, format, name: 'ringmix example' });
  // It reconnects by itself after a drop; 'error' is for what retrying cannot fix (a wrong password).
  live.on('disconnected', ({ reason, retryInMs }) => console.log(`off air (${reason}), retrying in ${retryInMs} ms`));
  // An example should end on its own: give up if the server cannot be reached within 20 s.
  let giveUp;
  const onAir = new Promise((resolve, reject) => {
    live.once('connected', resolve);
    live.once('error', reject);
    const failed = () => reject(new Error(`not on air after 20 s: is the server at ${live.url} running?`));
    giveUp = setTimeout(failed, 20000);
  });
  try {
    await onAir;
    clearTimeout(giveUp);
    console.log(`on air at ${live.url} (${format})`); // live.url carries no credentials
    await live.setMetadata({ title: 'A 440 Hz tone', artist: 'ringmix' });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const { bytesSent, reconnects, dropouts, maxEncoderLagMs } = live.stats();
    console.log(
      `sent ${bytesSent} bytes in ${seconds} s, reconnects ${reconnects}, dropouts ${dropouts}, ` +
        `encoder lag at most ${maxEncoderLagMs.toFixed(0)} ms`,
    );
  } finally {
    clearTimeout(giveUp);
    await live.stop();
    await mixer.close();
  }
}

main().catch((err) => {
  console.error(err.code ? `${err.code}: ${err.message}` : err.message);
  process.exitCode = 1;
});
