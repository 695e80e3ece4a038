/**
 * The supervising side of a call run: runs a cases module (TypeScript, transpiled as it loads) in
 * a child process and collects its report. A child that crashes (signal, abort, exit) or hangs is
 * restarted after the call it was making, which is recorded as 'crashed' or 'hung'; so one crash
 * neither kills jest nor hides the calls after it.
 */
import path from 'node:path';
import { showExpect, type CaseResult } from './calls';
import { runNode, type ChildResult } from './child';

export interface RunSummary {
  /** Calls in the module, and how many of their descriptions are distinct. */
  calls: number;
  distinct: number;
  /** How many calls ended each way ('TypeError ERR_OUT_OF_RANGE', 'returned', 'crashed', ...). */
  outcomes: Record<string, number>;
  /** Calls that did not do what they must, one line each. */
  offenders: string[];
  /** Valid calls (controls) made, of all calls. */
  controls: number;
  /** Children started (1 + one per crash or hang). */
  children: number;
}

/** Loads .ts files by transpiling them (types are checked by `npm run typecheck`, not here). */
function bootstrap(casesFile: string): string {
  return `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    require.extensions['.ts'] = (module, filename) => {
      const source = fs.readFileSync(filename, 'utf8');
      const { outputText } = ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      module._compile(outputText, filename);
    };
    require(${JSON.stringify(path.join(__dirname, 'calls-child.ts'))})
      .main(${JSON.stringify(casesFile)}, Number(process.env.RINGMIX_CALLS_FROM))
      .catch((err) => { console.error(err); process.exit(70); });
  `;
}

/** Why a child ended without finishing. */
function ending(r: ChildResult): string {
  if (r.idle) return 'hung (no progress for a minute; killed)';
  const stderr = r.err.trim().split('\n').slice(-3).join(' | ');
  return `${r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`}${stderr ? `: ${stderr}` : ''}`;
}

export async function runCalls(casesFile: string, env: NodeJS.ProcessEnv = {}): Promise<RunSummary> {
  const results = new Map<number, CaseResult>();
  const stray: string[] = [];
  let calls = -1;
  let from = 0;
  let children = 0;
  for (;;) {
    children++;
    const r = await runNode(bootstrap(casesFile), { ...env, RINGMIX_CALLS_FROM: String(from) }, { idleTimeoutMs: 60000 });
    let begun: Pick<CaseResult, 'i' | 'what' | 'expect'> | undefined;
    let done = false;
    for (const text of r.out.split('\n')) {
      const space = text.indexOf(' ');
      const tag = space < 0 ? text : text.slice(0, space);
      let body;
      try {
        body = space < 0 ? undefined : JSON.parse(text.slice(space + 1));
      } catch {
        continue; // a line cut short by a crash
      }
      if (tag === 'N') calls = body as number;
      else if (tag === 'B') begun = body as Pick<CaseResult, 'i' | 'what' | 'expect'>;
      else if (tag === 'R') results.set((body as CaseResult).i, body as CaseResult);
      else if (tag === 'U') stray.push(`call #${body.i}: uncaught ${body.outcome}`);
      else if (tag === 'DONE') done = true;
    }
    if (done && r.code === 0) break;
    if (begun === undefined || results.has(begun.i)) {
      throw new Error(`the call child failed outside any call (${ending(r)})\n${r.err}`);
    }
    const outcome = r.idle ? 'hung' : 'crashed';
    results.set(begun.i, { ...begun, outcome, offence: ending(r) });
    from = begun.i + 1;
    if (from >= calls) break;
  }
  const all = [...results.values()].sort((a, b) => a.i - b.i);
  const outcomes: Record<string, number> = {};
  for (const c of all) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
  const offenders = all
    .filter((c) => c.offence !== null)
    .map((c) => `${c.what} — expected ${showExpect(c.expect)}; ${c.offence}`)
    .concat(stray);
  return {
    calls: all.length,
    distinct: new Set(all.map((c) => c.what)).size,
    outcomes,
    offenders,
    controls: all.filter((c) => c.expect === 'ok').length,
    children,
  };
}
