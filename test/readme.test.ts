/**
 * The README's example runs as written (against the built package, as `require('ringmix')`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runNode } from './helpers/child';

const root = path.join(__dirname, '..');

it('the README example runs and prints the mix it read', async () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = /## Example\s+```js\n([\s\S]*?)```/.exec(readme);
  expect(match).not.toBeNull();
  // Resolve 'ringmix' to this checkout, as an installed package would resolve.
  const code = match![1]!.replace("require('ringmix')", `require(${JSON.stringify(root)})`);
  const { code: exit, out, err } = await runNode(code);
  expect(err).toBe('');
  expect(exit).toBe(0);
  expect(out).toMatch(/master peak -?\d+\.\d \/ -?\d+\.\d dBFS, \d+ frames/);
  const read = /read (\d+) frames, lost (\d+)/.exec(out);
  expect(read).not.toBeNull();
  expect(Number(read![1])).toBeGreaterThan(0);
  expect(Number(read![2])).toBe(0);
});
