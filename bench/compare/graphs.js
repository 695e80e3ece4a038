// The two graphs both engines render, described once in ringmix's terms (a strip's sine level,
// fader and pan), and what each engine needs to render the same signal. Pure functions only.
//
// Graph A: N strips of sine → fader → pan → master gain.
// Graph B: N strips of sine → EQ (low shelf, peaking, high shelf) → compressor → fader → pan
//          → master gain → master compressor → master limiter.
'use strict';

const SAMPLE_RATE = 48000;
/** ringmix's period; node-web-audio-api's render quantum is fixed at 128 frames. */
const PERIOD_FRAMES = 128;

/** Pans in ringmix's terms, cycled over the strips; strip 0 (a one-strip graph) is centred. */
const PANS = [0, -0.5, 0.5, -0.25, 0.75, -0.75, 0.25];

/**
 * The strips of a graph: distinct frequencies, not equally spaced (so the RMS of their sum is the sum of their
 * powers whatever their phases), peak levels -12 to -18 dBFS, faders 0 to -5 dB (0 in graph B:
 * see README "Comparison with node-web-audio-api" for why), pans from PANS. Deterministic.
 */
function strips(count, graph) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push({
      // Quarter tones from 100 Hz (3.9 kHz at 128 strips): equally spaced frequencies would sum
      // to a pulse train (all in phase every 1/spacing s), far peakier than a real mix.
      frequency: Math.round(100 * 2 ** (i / 24) * 1000) / 1000,
      levelDb: -12 - 2 * (i % 4),
      gainDb: graph === 'B' ? 0 : -(i % 6),
      pan: PANS[i % PANS.length],
    });
  }
  return out;
}

/** Master gain: the sum of N strips held near the same level whatever N is. */
function masterGainDb(count) {
  return -10 * Math.log10(count) - 8;
}

/** Graph B's per-strip and master processing, in units both engines take. */
const EQ = {
  low: { frequency: 200, gainDb: 3, q: Math.SQRT1_2 }, // Web Audio shelves have a fixed slope S = 1, i.e. Q = 1/√2
  mid: { frequency: 1000, gainDb: -4, q: 1 },
  high: { frequency: 4000, gainDb: 2, q: Math.SQRT1_2 },
};
// Hard knee (0 dB) on both sides: their soft knees are different curves. Fast attack and a slow
// release, so that both detectors settle on the peak of a steady tone (ringmix's holds its peak;
// Web Audio's follows the rectified signal, which its 250 ms release barely lets down).
const STRIP_COMPRESSOR = { thresholdDb: -20, ratio: 2, kneeDb: 0, attackMs: 0.1, releaseMs: 250 };
const MASTER_COMPRESSOR = { thresholdDb: -14, ratio: 1.5, kneeDb: 0, attackMs: 0.1, releaseMs: 250 };
// ringmix's true-peak limiter; Web Audio has none, so its side gets a DynamicsCompressorNode at
// the ceiling with ratio 20 and the fastest attack. Neither acts at these levels.
const LIMITER = { ceilingDb: -1, releaseMs: 50, nwaRatio: 20 };

/**
 * The makeup gain a Web Audio DynamicsCompressorNode always applies (spec, "Computing the makeup
 * gain", as node-web-audio-api does it): 0.6 × the attenuation its curve gives a full-scale
 * signal, in dB. ringmix's compressors get the same figure as `makeupDb`.
 */
function webAudioMakeupDb({ thresholdDb, ratio }) {
  const fullRangeGainDb = thresholdDb + -thresholdDb / ratio;
  return -0.6 * fullRangeGainDb;
}

/**
 * ringmix's pan law for its generators (stereo: the same signal on both channels) is balance:
 * the side panned away from is attenuated by cos(|pan|·π/2), the other stays at unity. A Web
 * Audio oscillator is mono, and StereoPannerNode pans mono with equal power: (cos θ, sin θ),
 * θ = (pan+1)·π/4. This returns the Web Audio pan and the gain in front of it that give exactly
 * ringmix's per-channel gains (centre: pan 0 and +3.01 dB).
 */
function webAudioPan(pan) {
  const left = pan > 0 ? Math.cos((pan * Math.PI) / 2) : 1;
  const right = pan < 0 ? Math.cos((-pan * Math.PI) / 2) : 1;
  const theta = Math.atan2(right, left); // 0 … π/2
  return { pan: (4 * theta) / Math.PI - 1, gain: Math.hypot(left, right), left, right };
}

function dbToGain(db) {
  return Math.pow(10, db / 20);
}

module.exports = {
  SAMPLE_RATE,
  PERIOD_FRAMES,
  EQ,
  STRIP_COMPRESSOR,
  MASTER_COMPRESSOR,
  LIMITER,
  strips,
  masterGainDb,
  webAudioMakeupDb,
  webAudioPan,
  dbToGain,
};
