/**
 * `mixer.addInput()`'s options checked: the strip's settings (fader, pan, mute, solo and the DSP
 * blocks), drift compensation, and the source (resolved by sources.ts).
 * @internal
 */
import { typeError } from './errors';
import { checkGainDb } from './input';
import { resolveSource, type InputSource } from './sources';
import { defaultStripDsp, updateStrip, type SidechainResolver, type StripDsp } from './strip-dsp';
import type { InputOptions } from './types';
import { checkBoolean, checkNumber, checkObject, checkString } from './validate';

const INPUT_KEYS = [
  'name', 'source', 'gainDb', 'pan', 'muted', 'solo', 'compensateDrift', 'targetLatencyMs', 'highPass', 'gate', 'eq', 'compressor',
] as const;

export interface CheckedInput {
  name: string | undefined;
  strip: { gainDb: number; pan: number; muted: boolean; solo: boolean };
  dsp: StripDsp;
  drift: { compensateDrift?: boolean; targetLatencyMs: number };
  source: InputSource;
}

export function checkInputOptions(
  options: InputOptions,
  mix: { sampleRate: number; clock: 'virtual' | 'simulated' | 'device' },
  sidechain: SidechainResolver,
): CheckedInput {
  const o = checkObject(options, 'input options', INPUT_KEYS);
  const gainDb = o.gainDb === undefined ? 0 : checkGainDb(o.gainDb, 'gainDb');
  const pan = o.pan === undefined ? 0 : checkNumber(o.pan, 'pan', -1, 1);
  const muted = o.muted === undefined ? false : checkBoolean(o.muted, 'muted');
  const solo = o.solo === undefined ? false : checkBoolean(o.solo, 'solo');
  const name = o.name === undefined ? undefined : checkString(o.name, 'name');
  const compensateDrift =
    o.compensateDrift === undefined ? undefined : checkBoolean(o.compensateDrift, 'compensateDrift');
  const targetLatencyMs =
    o.targetLatencyMs === undefined ? 0 : checkNumber(o.targetLatencyMs, 'targetLatencyMs', 0, 2000);
  if (o.source === undefined) throw typeError('input options: source is required');
  const strip = { gainDb, pan, muted, solo };
  let dsp = defaultStripDsp(mix.sampleRate);
  for (const block of ['highPass', 'gate', 'eq', 'compressor'] as const) {
    if (o[block] !== undefined) dsp = updateStrip(dsp, block, o[block], mix.sampleRate, sidechain, null);
  }
  const source = resolveSource(o.source, strip, mix);
  const drift = compensateDrift === undefined ? { targetLatencyMs } : { compensateDrift, targetLatencyMs };
  return { name, strip, dsp, drift, source };
}
