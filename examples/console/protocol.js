// What a browser may ask the console to do, checked before anything touches the mixer.
//
// Every client message is one JSON object with a `type` and an optional `seq` (echoed in the
// reply, so a client can tell which request an error answers). parseMessage() turns the raw text
// into a command or throws a ProtocolError with a stable code; nothing here knows the mixer, so
// whether an input id exists is the session's question (ERR_UNKNOWN_INPUT).
'use strict';

/** A bad request: sent back to its client as { type: 'error', code, message, seq }. */
class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

const bad = (message) => new ProtocolError('ERR_BAD_MESSAGE', message);
const range = (message) => new ProtocolError('ERR_OUT_OF_RANGE', message);

function number(value, name, min, max) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`${name} must be a finite number`);
  if (value < min || value > max) throw range(`${name} must be within ${min}…${max}, got ${value}`);
  return value;
}

function boolean(value, name) {
  if (typeof value !== 'boolean') throw bad(`${name} must be true or false`);
  return value;
}

/** A fader: dB within -144…24, or null for -Infinity (JSON has no infinities). */
function gain(value, name) {
  return value === null ? -Infinity : number(value, name, -144, 24);
}

// The strip controls a client may set, and what each takes. The ranges are ringmix's own (the
// README's), so a value accepted here is never refused by the engine.
const INPUT_PARAMS = {
  gainDb: (v) => gain(v, 'gainDb'),
  pan: (v) => number(v, 'pan', -1, 1),
  muted: (v) => boolean(v, 'muted'),
  solo: (v) => boolean(v, 'solo'),
  'eq.enabled': (v) => boolean(v, 'eq.enabled'),
  'eq.low': (v) => number(v, 'eq.low', -18, 18),
  'eq.mid': (v) => number(v, 'eq.mid', -18, 18),
  'eq.high': (v) => number(v, 'eq.high', -18, 18),
  'compressor.enabled': (v) => boolean(v, 'compressor.enabled'),
  'compressor.thresholdDb': (v) => number(v, 'compressor.thresholdDb', -80, 0),
  'compressor.ratio': (v) => number(v, 'compressor.ratio', 1, 100),
};

const MASTER_PARAMS = {
  gainDb: (v) => gain(v, 'gainDb'),
  'limiter.enabled': (v) => boolean(v, 'limiter.enabled'),
};

function inputId(value) {
  if (!Number.isSafeInteger(value) || value < 0) throw bad('input must be an input id (a non-negative integer)');
  return value;
}

function param(table, value) {
  if (typeof value !== 'string' || !Object.hasOwn(table, value)) {
    throw new ProtocolError('ERR_UNKNOWN_PARAM', `param must be one of ${Object.keys(table).join(', ')}`);
  }
  return value;
}

function source(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('source must be an object');
  if (value.generator === 'sine' || value.generator === 'noise') {
    return {
      generator: value.generator,
      frequency: value.frequency === undefined ? 440 : number(value.frequency, 'source.frequency', 20, 20000),
      levelDb: value.levelDb === undefined ? -18 : number(value.levelDb, 'source.levelDb', -96, 0),
    };
  }
  if (value.device !== undefined) {
    if (!Number.isSafeInteger(value.device) || value.device < 0) throw bad('source.device must be a device index from the scan');
    return { device: value.device };
  }
  throw bad("source must be { generator: 'sine' | 'noise', frequency?, levelDb? } or { device: index }");
}

function action(value, allowed) {
  if (!allowed.includes(value)) throw bad(`action must be ${allowed.join(' or ')}`);
  return value;
}

// One checker per message type: each returns the command the session applies.
const TYPES = {
  set: (m) => {
    const p = param(INPUT_PARAMS, m.param);
    return { type: 'set', input: inputId(m.input), param: p, value: INPUT_PARAMS[p](m.value) };
  },
  master: (m) => {
    const p = param(MASTER_PARAMS, m.param);
    return { type: 'master', param: p, value: MASTER_PARAMS[p](m.value) };
  },
  addInput: (m) => {
    if (m.name !== undefined && (typeof m.name !== 'string' || m.name.length > 40)) throw bad('name must be a string of at most 40 characters');
    return { type: 'addInput', name: m.name, source: source(m.source) };
  },
  removeInput: (m) => ({ type: 'removeInput', input: inputId(m.input) }),
  record: (m) => ({ type: 'record', action: action(m.action, ['start', 'stop']) }),
  live: (m) => ({ type: 'live', action: action(m.action, ['start', 'stop']) }),
  scanDevices: () => ({ type: 'scanDevices' }),
  resetLoudness: () => ({ type: 'resetLoudness' }),
};

/** The `seq` a message carries, if it is usable, so even a refused request can be answered by it. */
function seqOf(message) {
  const seq = message?.seq;
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

/**
 * Text from a client → { command, seq }. Throws ProtocolError (with `seq` when the message had
 * one): ERR_BAD_JSON, ERR_BAD_MESSAGE, ERR_UNKNOWN_TYPE, ERR_UNKNOWN_PARAM, ERR_OUT_OF_RANGE.
 */
function parseMessage(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    throw new ProtocolError('ERR_BAD_JSON', 'the message is not valid JSON');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw bad('a message must be a JSON object with a type');
  }
  const seq = seqOf(message);
  try {
    if (typeof message.type !== 'string' || !Object.hasOwn(TYPES, message.type)) {
      throw new ProtocolError('ERR_UNKNOWN_TYPE', `type must be one of ${Object.keys(TYPES).join(', ')}`);
    }
    return { command: TYPES[message.type](message), seq };
  } catch (err) {
    err.seq = seq;
    throw err;
  }
}

module.exports = { parseMessage, ProtocolError, INPUT_PARAMS, MASTER_PARAMS };
