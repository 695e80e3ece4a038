/**
 * Cases for the call runner's own test (test/call-runner.test.ts): one of each way a call can end,
 * including a crash, which the runner must record and get past.
 */
import type { Case, Expect } from './calls';

const throwCoded = () => {
  throw Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' });
};

export function cases(): Case[] {
  const c = (what: string, expect: Expect, call: () => unknown): Case => ({ what, expect, prepare: () => ({ call }) });
  return [
    c('throws a coded TypeError', 'argument', throwCoded),
    c('throws an uncoded Error', 'argument', () => {
      throw new Error('no code');
    }),
    c('returns instead of throwing', 'argument', () => 5),
    c('crashes the process', 'argument', () => process.kill(process.pid, 'SIGSEGV')),
    c('runs after the crash', 'argument', throwCoded),
    c('a control that succeeds', 'ok', () => 1),
  ];
}

export function judge(thrown: unknown): string | null {
  return typeof (thrown as { code?: unknown }).code === 'string' ? null : 'threw an error without a code';
}
