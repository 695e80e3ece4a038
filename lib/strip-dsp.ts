/**
 * The DSP settings of an input's strip (high-pass, gate, EQ, compressor with its sidechain) and of
 * the master's chain (EQ, compressor, limiter), as the JS side keeps them: merged from each
 * setter's partial update, then sent whole to the addon, which applies them on the next cycle.
 * @internal
 */
import {
  DEFAULT_COMPRESSOR,
  DEFAULT_EQ,
  DEFAULT_GATE,
  DEFAULT_HIGH_PASS,
  DEFAULT_LIMITER,
  mergeCompressor,
  mergeEq,
  mergeGate,
  mergeHighPass,
  mergeLimiter,
  notAnInput,
  type CompressorCore,
} from './dsp-options';
import type { Input } from './input';
import type { NativeInputDsp, NativeMasterDsp } from './native';
import type { CompressorSettings, EqSettings, GateSettings, HighPassSettings, LimiterSettings } from './types';

export interface StripDsp {
  highPass: HighPassSettings;
  gate: GateSettings;
  eq: EqSettings;
  compressor: CompressorCore;
  sidechain: Input | null;
}

export interface MasterDspState {
  eq: EqSettings;
  compressor: CompressorCore;
  limiter: LimiterSettings;
}

/** The default EQ, its high shelf moved below 45% of a low sample rate (10 kHz at 22.05 kHz and up). */
function defaultEq(sampleRate: number): EqSettings {
  const high = Math.min(DEFAULT_EQ.high.frequency, Math.floor(0.4 * sampleRate));
  return { ...DEFAULT_EQ, high: { ...DEFAULT_EQ.high, frequency: high } };
}

export function defaultStripDsp(sampleRate: number): StripDsp {
  return { highPass: DEFAULT_HIGH_PASS, gate: DEFAULT_GATE, eq: defaultEq(sampleRate), compressor: DEFAULT_COMPRESSOR, sidechain: null };
}

export function defaultMasterDsp(sampleRate: number): MasterDspState {
  return { eq: defaultEq(sampleRate), compressor: DEFAULT_COMPRESSOR, limiter: DEFAULT_LIMITER };
}

/** Checks a sidechain option: an Input of this mixer (not removed, not `self`) or null. */
export type SidechainResolver = (value: unknown, self: Input | null) => Input | null;

export type StripBlock = 'highPass' | 'gate' | 'eq' | 'compressor';

/** `dsp` with `block` updated from a setter's (or addInput's) value. */
export function updateStrip(dsp: StripDsp, block: StripBlock, value: unknown, sampleRate: number, resolve: SidechainResolver, self: Input | null): StripDsp {
  switch (block) {
    case 'highPass':
      return { ...dsp, highPass: mergeHighPass(dsp.highPass, value, 'highPass', sampleRate) };
    case 'gate':
      return { ...dsp, gate: mergeGate(dsp.gate, value, 'gate') };
    case 'eq':
      return { ...dsp, eq: mergeEq(dsp.eq, value, 'eq', sampleRate) };
    case 'compressor': {
      const { core, sidechain } = mergeCompressor(dsp.compressor, value, 'compressor', true);
      return { ...dsp, compressor: core, sidechain: sidechain === undefined ? dsp.sidechain : resolve(sidechain, self) };
    }
  }
}

export type MasterBlock = 'eq' | 'compressor' | 'limiter';

export function updateMaster(dsp: MasterDspState, block: MasterBlock, value: unknown, sampleRate: number): MasterDspState {
  switch (block) {
    case 'eq':
      return { ...dsp, eq: mergeEq(dsp.eq, value, 'master.eq', sampleRate) };
    case 'compressor':
      return { ...dsp, compressor: mergeCompressor(dsp.compressor, value, 'master.compressor', false).core };
    case 'limiter':
      return { ...dsp, limiter: mergeLimiter(dsp.limiter, value, 'master.limiter') };
  }
}

/** What the addon takes (no prototypes anywhere: see nativeRecord). */
export function nativeStrip(dsp: StripDsp): NativeInputDsp {
  const sidechain = dsp.sidechain !== null && !dsp.sidechain.removed ? dsp.sidechain.id : 0;
  return plain({ highPass: dsp.highPass, gate: dsp.gate, eq: dsp.eq, compressor: { ...dsp.compressor, sidechain } });
}

export function nativeMaster(dsp: MasterDspState): NativeMasterDsp {
  return plain({ eq: dsp.eq, compressor: dsp.compressor, limiter: dsp.limiter });
}

/** The public view of a compressor: its settings and its sidechain (null once that input is removed). */
export function compressorView(dsp: StripDsp): CompressorSettings {
  return { ...dsp.compressor, sidechain: dsp.sidechain !== null && !dsp.sidechain.removed ? dsp.sidechain : null };
}

export function makeSidechainResolver(inputs: () => Iterable<Input>): SidechainResolver {
  return (value, self) => {
    if (value === null) return null;
    for (const input of inputs()) {
      if (input === value) {
        if (input === self) throw notAnInput('compressor.sidechain (another input than this one)');
        return input;
      }
    }
    throw notAnInput('compressor.sidechain');
  };
}

function plain<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out as T;
}
