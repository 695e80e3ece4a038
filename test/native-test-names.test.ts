/**
 * The native test folders whose doctest cases ctest discovers one by one (doctest_discover_tests):
 * CMake splits a test name at every ';' (its list separator), and each half then runs a filter
 * that matches no case, which doctest counts as a pass. So no such case may have a ';' in its name.
 */
import fs from 'node:fs';
import path from 'node:path';

const testRoot = __dirname;
const discovered = fs
  .readdirSync(testRoot, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(testRoot, e.name, 'CMakeLists.txt')))
  .map((e) => e.name)
  .filter((d) => fs.readFileSync(path.join(testRoot, d, 'CMakeLists.txt'), 'utf8').includes('doctest_discover_tests('));

it('finds the folders whose cases are discovered (the check below is not vacuous)', () => {
  expect(discovered).toEqual(expect.arrayContaining(['native', 'dsp', 'dsp-master', 'bench']));
});

it.each(discovered)('test/%s: no discovered case has a ";" in its name', (dir) => {
  const names = fs
    .readdirSync(path.join(testRoot, dir))
    .filter((f) => f.endsWith('.cpp'))
    .flatMap((f) => [...fs.readFileSync(path.join(testRoot, dir, f), 'utf8').matchAll(/TEST_CASE\("((?:[^"\\]|\\.)*)"/g)].map((m) => `${f}: ${m[1]}`));
  expect(names.length).toBeGreaterThan(0);
  expect(names.filter((n) => n.includes(';'))).toEqual([]);
});
