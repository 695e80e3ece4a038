/**
 * The README's example runs as written (against the built package, as `require('ringmix')`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');

it('the README example runs and prints the mix it read', async () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = /## Example\s+```js\n([\s\S]*?)```/.exec(readme);
  expect(match).not.toBeNull();
  // Resolve 'ringmix' to this checkout, as an installed package would resolve.
  const code = match![1]!.replace("require('ringmix')", `require(${JSON.stringify(root)})`);
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(err).toBe('');
  expect(exit).toBe(0);
  expect(out).toMatch(/master peak -?\d+\.\d \/ -?\d+\.\d dBFS, \d+ frames/);
  const read = /read (\d+) frames, lost (\d+)/.exec(out);
  expect(read).not.toBeNull();
  expect(Number(read![1])).toBeGreaterThan(0);
  expect(Number(read![2])).toBe(0);
});
