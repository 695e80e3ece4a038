/**
 * The README's example runs as written (against the built package, as `require('ringmix')`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNode } from './helpers/child';
import { soxInfo } from './helpers/decode';
import { readmeExample } from './helpers/readme';

it('the README example runs and prints the mix it read', async () => {
  const { code: exit, out, err } = await runNode(readmeExample('Example'));
  expect(err).toBe('');
  expect(exit).toBe(0);
  expect(out).toMatch(/master peak -?\d+\.\d \/ -?\d+\.\d dBFS, \d+ frames/);
  const read = /read (\d+) frames, lost (\d+)/.exec(out);
  expect(read).not.toBeNull();
  expect(Number(read![1])).toBeGreaterThan(0);
  expect(Number(read![2])).toBe(0);
});

it('the README recording example renders a minute into a FLAC file that decodes to it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-readme-'));
  try {
    const { code: exit, out, err } = await runNode(readmeExample('Recording', dir));
    expect(err).toBe('');
    expect(exit).toBe(0);
    expect(out).toContain('recorded 2880000 frames to show.flac');
    expect(soxInfo(path.join(dir, 'show.flac'))).toMatchObject({ rate: 48000, samples: 2880000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
