/**
 * `npm run docs` builds the API reference from the TSDoc comments without a warning (typedoc.json
 * treats warnings, such as a broken {@link}, as errors), and every public class and the options
 * types have a page that documents them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..');
let out: string;
let run: { status: number | null; output: string };

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-docs-'));
  const r = spawnSync('npm', ['run', 'docs', '--', '--out', out], { cwd: root, encoding: 'utf8' });
  run = { status: r.status, output: `${r.stdout}${r.stderr}` };
}, 120000);
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** A page's text without its markup. */
function text(page: string): string {
  const file = path.join(out, page);
  if (!fs.existsSync(file)) throw new Error(`the API reference has no ${page}`);
  return fs
    .readFileSync(file, 'utf8')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

it('generates without warnings', () => {
  expect(run.output).not.toMatch(/\[warning\]|\[error\]/);
  expect(run.status).toBe(0);
});

it.each([
  // A page per public class, with a member only that class has and its doc comment's words.
  ['classes/Mixer.html', ['addInput', 'record', 'stream', 'advance']],
  ['classes/Input.html', ['gainDb', 'writable', 'backpressure']],
  ['classes/Tap.html', ['read', 'lostFrames']],
  ['classes/Recorder.html', ['stop', 'frames']],
  ['classes/Broadcast.html', ['setMetadata', 'stats']],
  // The options types, with their fields documented.
  ['interfaces/MixerOptions.html', ['sampleRate', 'periodFrames', 'simulated']],
  ['interfaces/InputOptions.html', ['gainDb', 'compensateDrift']],
  ['interfaces/TapOptions.html', ['capacityFrames']],
  ['interfaces/RecordOptions.html', ['bitDepth', 'splitSeconds']],
  ['interfaces/StreamOptions.html', ['bitrateKbps', 'password']],
  ['interfaces/OutputOptions.html', ['device', 'targetLatencyMs']],
  // A type the API reference shows as an interface although the addon's type behind it is internal.
  ['interfaces/DeviceInfo.html', ['hostApi', 'maxOutputChannels']],
])('%s documents %j', (page, words) => {
  const body = text(page);
  for (const w of words) expect(body).toContain(w);
});

it('leaves internals out', () => {
  // The addon's binding and the Icecast client are internal: no page for them.
  const pages = fs.readdirSync(out, { recursive: true }).map(String);
  expect(pages.filter((p) => /NativeMixer|IcecastSource|InputHost/.test(p))).toEqual([]);
  expect(text('index.html')).toContain('Mixer');
});
