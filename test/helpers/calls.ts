/**
 * Runs of generated calls (bad input, and valid controls) in a child process: the shapes shared
 * by the child that makes the calls (calls-child.ts) and the test that supervises it
 * (calls-run.ts).
 */

/** What a call must do. */
export type Expect =
  /** A TypeError or RangeError with an argument code. */
  | 'argument'
  /** A state error with exactly this code (RingmixError in the API, a coded Error natively). */
  | { state: string }
  /** Any coded error (the native layer, where the kind of error is the addon's to choose). */
  | 'coded'
  /**
   * The native layer only: the TypeError V8 or N-API throws before the addon's code runs (a
   * method called on the wrong receiver, the class called without new). It cannot carry a code;
   * the public API never hands these functions out.
   */
  | { engineTypeError: RegExp }
  /** A control: a valid call that must succeed (and pass its own check, if it has one). */
  | 'ok';

/** A call ready to make, with what it needs already built. */
export interface Prepared {
  call: () => unknown;
  /** For controls: throws if the call's result is wrong. */
  check?: (result: unknown) => void;
  /** Frees the fixture (and whatever the call returned, should a bad call have succeeded). */
  cleanup?: (returned: unknown) => unknown;
}

export interface Case {
  /** The call as a reader would write it; distinct across a run. */
  what: string;
  expect: Expect;
  /** Builds a fresh fixture and returns the call (a fixture that fails is reported apart). */
  prepare: () => Prepared;
}

/** What a thrown value looked like. */
export interface Thrown {
  name: string;
  code: unknown;
  message: string;
}

/** What a cases module (loaded in the child) exports. */
export interface CaseModule {
  cases(): Case[];
  /** Null when `thrown` is what `expect` asks for, else why not. */
  judge(thrown: unknown, expect: Expect): string | null;
}

/** One call's result, as the child reports it. */
export interface CaseResult {
  i: number;
  what: string;
  expect: Expect;
  /** 'TypeError ERR_OUT_OF_RANGE', 'returned', 'setup failed', 'crashed', 'hung', ... */
  outcome: string;
  /** Why it is an offender; null when it did what it must. */
  offence: string | null;
}

/** Name, code and message of anything thrown, without trusting it (it may be a hostile value). */
export function describeThrown(err: unknown): Thrown {
  try {
    if (err instanceof Error || (typeof err === 'object' && err !== null)) {
      const e = err as { name?: unknown; code?: unknown; message?: unknown };
      return { name: String(e.name), code: e.code, message: String(e.message) };
    }
    return { name: typeof err, code: undefined, message: String(err) };
  } catch {
    return { name: 'unprintable', code: undefined, message: '' };
  }
}

/** The outcome label of a thrown value: its name and code ('TypeError (no code)' when it has none). */
export function outcomeOf(t: Thrown): string {
  return typeof t.code === 'string' ? `${t.name} ${t.code}` : `${t.name} (no code)`;
}

/** A short, readable form of an expectation. */
export function showExpect(e: Expect): string {
  return typeof e === 'string' ? e : 'state' in e ? e.state : `V8's TypeError ${e.engineTypeError}`;
}
