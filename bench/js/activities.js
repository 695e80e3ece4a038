// The JS-side activities whose cost bench:js measures, each started on a running mixer and
// stopped with a summary of what it did: (a) metrics() polled at 60 Hz, (b) a tap read
// continuously with read() (and, as a variant, through its readable()), (c) a push input written
// at the real-time rate in 10 ms chunks. `inCallUs`: the mean wall time inside the API call
// itself (the rest of an activity's cost is its timer's wake-ups and garbage collection).
'use strict';

/** (a) `mixer.metrics()` at 60 Hz (a UI's frame rate). */
function pollMetrics(mixer) {
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let inCallMs = 0;
  const timer = setInterval(() => {
    const c0 = performance.now();
    sink += mixer.metrics().frames;
    inCallMs += performance.now() - c0;
    calls++;
  }, 1000 / 60);
  return () => {
    clearInterval(timer);
    const s = (performance.now() - t0) / 1000;
    return { calls, callsPerSecond: calls / s, inCallUs: (1000 * inCallMs) / calls, sink: sink > 0 };
  };
}

/** (b) A tap read every 10 ms with `read()`: all of the mix, 48 000 frames a second. */
function readTap(mixer) {
  const tap = mixer.tap();
  let frames = 0;
  let calls = 0;
  const t0 = performance.now();
  let inCallMs = 0;
  const timer = setInterval(() => {
    const c0 = performance.now();
    frames += tap.read().length / mixer.channels;
    inCallMs += performance.now() - c0;
    calls++;
  }, 10);
  return () => {
    clearInterval(timer);
    const s = (performance.now() - t0) / 1000;
    const lostFrames = tap.lostFrames;
    tap.close();
    return { calls, framesPerSecond: frames / s, inCallUs: (1000 * inCallMs) / calls, lostFrames };
  };
}

/** (b, variant) The same through `tap.readable()`, consumed by a 'data' listener. */
function readTapStream(mixer) {
  const tap = mixer.tap();
  let bytes = 0;
  let chunks = 0;
  const t0 = performance.now();
  tap.readable().on('data', (b) => {
    bytes += b.length;
    chunks++;
  });
  return () => {
    const s = (performance.now() - t0) / 1000;
    const lostFrames = tap.lostFrames;
    tap.close();
    return { chunks, framesPerSecond: bytes / 4 / mixer.channels / s, lostFrames };
  };
}

/**
 * (c) `input.write()` on a stereo push input at the real-time rate: every 10 ms, the frames due
 * since the start (in whole 10 ms chunks of a 440 Hz tone, prepared once).
 */
function writePush(mixer, input, chunkMs = 10) {
  const rate = mixer.sampleRate;
  const chunkFrames = Math.round((rate * chunkMs) / 1000);
  const chunk = new Float32Array(chunkFrames * 2);
  for (let i = 0; i < chunkFrames; i++) chunk[2 * i] = chunk[2 * i + 1] = 0.1 * Math.sin((2 * Math.PI * 440 * i) / rate);
  let written = 0;
  let refused = 0;
  let calls = 0;
  let inCallMs = 0;
  const t0 = performance.now();
  const tick = () => {
    // What is due since the start, kept 50 ms ahead (a push input's default target latency), so
    // that a late timer on a busy machine does not starve the input.
    const due = Math.floor((((performance.now() - t0) / 1000) * rate) / chunkFrames) * chunkFrames + 5 * chunkFrames;
    while (written + refused < due) {
      const c0 = performance.now();
      const n = input.write(chunk);
      inCallMs += performance.now() - c0;
      calls++;
      written += n;
      refused += chunkFrames - n;
    }
  };
  tick();
  const before = inputMetrics(mixer, input); // after the first write: not the starved cycles before it
  const timer = setInterval(tick, chunkMs);
  return () => {
    clearInterval(timer);
    const s = (performance.now() - t0) / 1000;
    const after = inputMetrics(mixer, input);
    return {
      chunkFrames,
      calls,
      inCallUs: (1000 * inCallMs) / calls,
      framesPerSecond: written / s,
      refusedFrames: refused,
      underruns: after.underruns - before.underruns,
      overruns: after.overruns - before.overruns,
    };
  };
}

function inputMetrics(mixer, input) {
  return mixer.metrics().inputs.find((i) => i.id === input.id);
}

module.exports = { pollMetrics, readTap, readTapStream, writePush };
