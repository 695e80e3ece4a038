/**
 * A tap that falls behind resumes on a whole frame: left stays left. Its resume point is half its
 * capacity behind the newest frame; with an odd capacity (4801 frames, or the default at 11025 Hz,
 * which is one second: 11025 frames) half of `frames × channels` samples used to land between a
 * frame's two channels, and left and right stayed swapped from the first dropout on.
 */
import { Mixer, type Tap } from '..';

/**
 * A mixer whose left channel carries +0.25 and right −0.5, so a swap (or a frame split) cannot go
 * unnoticed; `run(frames)` advances it, keeping both push inputs fed.
 */
function marked(sampleRate: number): { mixer: Mixer; run: (frames: number) => void } {
  const mixer = new Mixer({ sampleRate, periodFrames: 256, clock: 'simulated', limiter: false }); // frames exact, no look-ahead
  // Constant-power pan puts a mono input's full level on one side when panned hard.
  const left = mixer.addInput({ source: { push: { channels: 1 } }, pan: -1 });
  const right = mixer.addInput({ source: { push: { channels: 1 } }, pan: 1 });
  const run = (frames: number): void => {
    for (let done = 0; done < frames; ) {
      const n = Math.min(frames - done, 1024);
      left.write(new Float32Array(left.writableFrames()).fill(0.25));
      right.write(new Float32Array(right.writableFrames()).fill(-0.5));
      mixer.advance(n);
      done += n;
    }
  };
  return { mixer, run };
}

/** Frames whose channels are not (+0.25, −0.5), among those read. */
function wrongFrames(data: Float32Array): number {
  let wrong = 0;
  for (let i = 0; i < data.length; i += 2) if (data[i] !== 0.25 || data[i + 1] !== -0.5) wrong++;
  return wrong;
}

/** Lets the tap fall behind past its capacity `rounds` times, reading after each. */
function dropRepeatedly(run: (frames: number) => void, tap: Tap, rounds: number): { frames: number; wrong: number } {
  let frames = 0;
  let wrong = 0;
  // The first period primes the push inputs' jitter buffers (silence): skip past it.
  run(512);
  tap.read();
  for (let i = 0; i < rounds; i++) {
    run(tap.capacityFrames + 777 + 256 * i); // more than the tap holds: a dropout
    const data = tap.read();
    frames += data.length / 2;
    wrong += wrongFrames(data);
  }
  return { frames, wrong };
}

describe('taps resume on whole frames', () => {
  it.each([
    ['an odd capacity (4801 frames)', 48000, 4801],
    ['the default capacity at 11025 Hz (11025 frames)', 11025, undefined],
  ])('%s keeps left and right after every dropout', async (_what, sampleRate, capacityFrames) => {
    const { mixer, run } = marked(sampleRate);
    const tap = mixer.tap(capacityFrames === undefined ? {} : { capacityFrames });
    expect(tap.capacityFrames % 2).toBe(1);
    const { frames, wrong } = dropRepeatedly(run, tap, 5);
    expect(tap.dropouts).toBe(5);
    expect(frames).toBeGreaterThan(5 * 2000);
    expect(wrong).toBe(0);
    await mixer.close();
  });

  it('lost frames are counted in whole frames, and every frame is either read or lost', async () => {
    const { mixer, run } = marked(48000);
    const tap = mixer.tap({ capacityFrames: 4801 });
    run(512);
    tap.read();
    const start = mixer.metrics().frames;
    let read = 0;
    for (let i = 0; i < 4; i++) {
      run(9000 + 100 * i);
      read += tap.read().length / 2;
    }
    read += tap.read().length / 2;
    expect(read + tap.lostFrames).toBe(mixer.metrics().frames - start);
    await mixer.close();
  });
});

describe('readInto', () => {
  it('reads what read() reads, into the caller\'s buffer, in whole frames, and counts losses alike', async () => {
    const { mixer, run } = marked(48000);
    const a = mixer.tap({ capacityFrames: 4801 });
    const b = mixer.tap({ capacityFrames: 4801 });
    run(512);
    a.read();
    expect(b.readInto(new Float32Array(4 * 4801))).toBe(512);
    const into = new Float32Array(2 * 4801 + 1); // an odd length: the last sample is never written
    for (const frames of [1000, 3000, 9000, 256]) {
      run(frames); // 9000: more than either tap holds, a dropout for both
      const viaRead = a.read();
      into.fill(7);
      const n = b.readInto(into);
      expect(n).toBe(viaRead.length / 2);
      expect(into.subarray(0, 2 * n)).toEqual(viaRead);
      expect(into[2 * n]).toBe(7); // nothing past the frames it reports
      expect(wrongFrames(into.subarray(0, 2 * n))).toBe(0);
    }
    expect(b.readInto(into)).toBe(0); // nothing new
    expect([b.dropouts, b.lostFrames]).toEqual([a.dropouts, a.lostFrames]);
    expect(b.dropouts).toBe(1);
    // A target shorter than a frame takes nothing, and loses nothing.
    run(256);
    expect(b.readInto(new Float32Array(1))).toBe(0);
    expect(b.readInto(new Float32Array(2))).toBe(1);
    expect(b.readInto(into)).toBe(255);
    await mixer.close();
  });

  it('rejects anything but a Float32Array, and a closed tap', async () => {
    const mixer = new Mixer({ clock: 'simulated' });
    const tap = mixer.tap();
    for (const bad of [undefined, null, 3, 'x', [0, 0], new Float64Array(4), new Uint8Array(8), {}])
      expect(() => tap.readInto(bad as unknown as Float32Array)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    tap.close();
    expect(() => tap.readInto(new Float32Array(8))).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    await mixer.close();
  });
});
