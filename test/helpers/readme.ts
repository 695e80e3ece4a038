/** The README's runnable examples: each is a ```js block right under its heading. */
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** The code under `## heading`, with require('ringmix') resolved to this checkout; run in `cwd` if given. */
export function readmeExample(heading: string, cwd?: string): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = new RegExp(`## ${heading}\\s+\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (match === null) throw new Error(`README.md has no js example under "## ${heading}"`);
  const code = match[1]!.replace("require('ringmix')", `require(${JSON.stringify(root)})`);
  return cwd === undefined ? code : `process.chdir(${JSON.stringify(cwd)});\n${code}`;
}
