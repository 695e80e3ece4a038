/**
 * Bad values for generated calls, each with the label the call's description shows. Values are
 * made fresh for every call (a revoked Proxy, a detached buffer), by `make`.
 */

export type Value = readonly [label: string, make: () => unknown];

const v = (label: string, value: unknown): Value => [label, () => value];

/** Not numbers, though some look like one (boxed, with valueOf, numeric strings). */
export const notNumbers: readonly Value[] = [
  v("'1'", '1'),
  v("''", ''),
  v('true', true),
  v('null', null),
  v('[]', []),
  v('[1]', [1]),
  v('{}', {}),
  ['() => 1', () => () => 1],
  ["Symbol('n')", () => Symbol('n')],
  v('1n', 1n),
  ['new Number(1)', () => new Number(1)],
  ['{ valueOf: () => 1 }', () => ({ valueOf: () => 1 })],
  ['new Date(0)', () => new Date(0)],
];

/** Not booleans, though some are truthy or falsy. */
export const notBooleans: readonly Value[] = [
  v('0', 0),
  v('1', 1),
  v('NaN', NaN),
  v("'true'", 'true'),
  v("''", ''),
  v('null', null),
  v('[]', []),
  v('{}', {}),
  ["Symbol('b')", () => Symbol('b')],
  v('1n', 1n),
  ['new Boolean(true)', () => new Boolean(true)],
  ['() => true', () => () => true],
];

/** Not strings, though some convert to one. */
export const notStrings: readonly Value[] = [
  v('5', 5),
  v('null', null),
  v('true', true),
  v('[]', []),
  v("['a']", ['a']),
  v('{}', {}),
  ["Symbol('s')", () => Symbol('s')],
  v('1n', 1n),
  ["new String('a')", () => new String('a')],
  ["{ toString: () => 'a' }", () => ({ toString: () => 'a' })],
];

export interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** -Infinity is a valid value (gains: off). */
  minusInfinity?: boolean;
}

/** Whether `x` is outside `r` (so that the generated list never holds a valid value by mistake). */
function outside(x: number, r: NumberRange): boolean {
  if (r.minusInfinity && x === -Infinity) return false;
  if (!Number.isFinite(x)) return true;
  if (r.integer && !Number.isInteger(x)) return true;
  return (r.exclusiveMin ? x <= r.min : x < r.min) || (r.exclusiveMax ? x >= r.max : x > r.max);
}

/**
 * Numbers outside a range: NaN, ±Infinity, huge and tiny magnitudes, -0, just past each end,
 * non-integers, and integers that wrap around to a valid value in 32 or 64 bits.
 */
export function badNumbers(r: NumberRange): Value[] {
  const candidates: Array<[string, number]> = [
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['1e300', 1e300],
    ['-1e300', -1e300],
    ['Number.MAX_VALUE', Number.MAX_VALUE],
    ['Number.MIN_VALUE', Number.MIN_VALUE],
    ['-Number.MIN_VALUE', -Number.MIN_VALUE],
    ['-0', -0],
    ['0', 0],
    ['-1', -1],
    [`${r.min} - 1`, r.min - 1],
    [`${r.min} - 0.001`, r.min - 0.001],
    [`${r.min}`, r.min],
    [`${r.max}`, r.max],
    [`${r.max} + 0.001`, r.max + 0.001],
    [`${r.max} + 1`, r.max + 1],
    [`${r.min} + 0.5`, r.min + 0.5],
    [`2 ** 32 + ${r.min}`, 2 ** 32 + r.min],
    [`2 ** 64 + ${r.min}`, 2 ** 64 + r.min],
    ['2 ** 31', 2 ** 31],
    ['2 ** 53 + 2', 2 ** 53 + 2],
    ['-(2 ** 31)', -(2 ** 31)],
  ];
  const out: Value[] = [];
  const seen: number[] = [];
  for (const [label, x] of candidates) {
    if (!outside(x, r) || seen.some((s) => Object.is(s, x))) continue;
    seen.push(x);
    out.push(v(label, x));
  }
  return out;
}

/** Every bad value for a numeric option: bad numbers and non-numbers. */
export function badNumberValues(r: NumberRange): Value[] {
  return [...badNumbers(r), ...notNumbers];
}

/** Not objects at all, or objects that are not plain ones. */
export const notPlainObjects: readonly Value[] = [
  v('null', null),
  v('5', 5),
  v("'options'", 'options'),
  v('true', true),
  ["Symbol('o')", () => Symbol('o')],
  v('1n', 1n),
  ['[]', () => []],
  ['() => ({})', () => () => ({})],
  ['new Date(0)', () => new Date(0)],
  ['new Map()', () => new Map()],
  ['new (class Options {})()', () => new (class Options {})()],
  ['Object.create({})', () => Object.create({})],
  ['new Float32Array(2)', () => new Float32Array(2)],
  ['/x/', () => /x/],
  ['new Proxy([], {})', () => new Proxy([], {})],
  ['a revoked Proxy', () => revokedProxy()],
];

export function revokedProxy(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}

const boom = () => {
  throw new Error('trap');
};

/**
 * Objects that misbehave when read, around an otherwise valid `{ [key]: valid }`: throwing
 * getters and Proxy traps, inherited-only keys, unknown and symbol keys, frozen or sealed with a
 * bad value.
 */
export function hostileObjects(key: string, valid: unknown, bad: unknown): Value[] {
  return [
    [`{ get ${key}() { throw new Error() } }`, () => Object.defineProperty({}, key, { get: boom, enumerable: true })],
    [
      `{ get ${key}() { throw 5 } }`,
      () =>
        Object.defineProperty({}, key, {
          get: () => {
            throw 5;
          },
          enumerable: true,
        }),
    ],
    [`Proxy({ ${key} }) whose get trap throws`, () => new Proxy({ [key]: valid }, { get: boom })],
    [`Proxy({ ${key} }) whose ownKeys trap throws`, () => new Proxy({ [key]: valid }, { ownKeys: boom })],
    [`Proxy({ ${key} }) whose getPrototypeOf trap throws`, () => new Proxy({ [key]: valid }, { getPrototypeOf: boom })],
    [`Proxy({ ${key} }) whose ownKeys trap repeats a key`, () => new Proxy({ [key]: valid }, { ownKeys: () => [key, key] })],
    [`Proxy({ ${key}: bad })`, () => new Proxy({ [key]: bad }, {})],
    [`Object.create({ ${key} }) (inherited only)`, () => Object.create({ [key]: valid })],
    [`Object.freeze({ ${key}: bad })`, () => Object.freeze({ [key]: bad })],
    [`Object.seal({ ${key}: bad })`, () => Object.seal({ [key]: bad })],
    [`null-prototype { ${key}: bad }`, () => Object.assign(Object.create(null), { [key]: bad })],
    [`{ ${key}, unknownOption: 1 }`, () => ({ [key]: valid, unknownOption: 1 })],
    [`{ ${key}, ${key.toUpperCase()}: valid }`, () => ({ [key]: valid, [key.toUpperCase()]: valid })],
    [`{ ${key}, [Symbol('extra')]: 1 }`, () => ({ [key]: valid, [Symbol('extra')]: 1 })],
    [`{ ${key}, own '__proto__' key }`, () => Object.assign(JSON.parse('{"__proto__": 1}'), { [key]: valid })],
  ];
}
