/**
 * The child side of a call run: makes each call of a cases module, judges what it did, and
 * reports one line per call on stdout, written synchronously so that a crash still leaves the
 * line saying which call was running:
 *   N <count>           how many calls the module has
 *   B {i, what, expect} call i begins
 *   R {CaseResult}      call i ended
 *   U {i, outcome}      an uncaught exception or rejection while call i (or its cleanup) ran
 *   S {summary}         this child's summary (counts per outcome, offenders), then DONE
 */
import fs from 'node:fs';
import { describeThrown, outcomeOf, type Case, type CaseModule, type CaseResult } from './calls';

function line(tag: string, body: unknown): void {
  fs.writeSync(1, `${tag} ${JSON.stringify(body)}\n`);
}

async function runOne(c: Case, i: number, judge: CaseModule['judge']): Promise<CaseResult> {
  const result = (outcome: string, offence: string | null): CaseResult => ({ i, what: c.what, expect: c.expect, outcome, offence });
  let prepared;
  try {
    prepared = c.prepare();
  } catch (err) {
    const t = describeThrown(err);
    return result('setup failed', `its fixture failed: ${outcomeOf(t)}: ${t.message}`);
  }
  let verdict: CaseResult;
  let returned: unknown;
  try {
    returned = prepared.call();
    if (returned instanceof Promise) returned = await returned;
    if (c.expect !== 'ok') {
      verdict = result('returned', `returned ${typeof returned} instead of throwing`);
    } else {
      prepared.check?.(returned);
      verdict = result('returned', null);
    }
  } catch (err) {
    const t = describeThrown(err);
    const offence = c.expect === 'ok' ? `a valid call threw: ${t.message}` : judge(err, c.expect);
    verdict = result(outcomeOf(t), offence === null ? null : `${offence} (${outcomeOf(t)}: ${t.message})`);
  }
  try {
    await prepared.cleanup?.(returned);
  } catch (err) {
    const t = describeThrown(err);
    if (verdict.offence === null) verdict = { ...verdict, offence: `its cleanup threw ${outcomeOf(t)}: ${t.message}` };
  }
  return verdict;
}

/** Runs the calls of `casesFile` from index `from` on. */
export async function main(casesFile: string, from: number): Promise<void> {
  const mod = require(casesFile) as CaseModule;
  const cases = mod.cases();
  let current = from;
  const stray = (err: unknown) => line('U', { i: current, outcome: `${outcomeOf(describeThrown(err))}: ${describeThrown(err).message}` });
  process.on('uncaughtException', stray);
  process.on('unhandledRejection', stray);
  line('N', cases.length);
  const outcomes: Record<string, number> = {};
  const offenders: CaseResult[] = [];
  for (let i = from; i < cases.length; i++) {
    current = i;
    const c = cases[i]!;
    line('B', { i, what: c.what, expect: c.expect });
    const r = await runOne(c, i, mod.judge);
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    if (r.offence !== null) offenders.push(r);
    line('R', r);
    // Let timers and callbacks a call left behind run now, while it is still the current call.
    await new Promise((resolve) => setImmediate(resolve));
  }
  line('S', { from, calls: cases.length - from, outcomes, offenders });
  fs.writeSync(1, 'DONE\n');
}
