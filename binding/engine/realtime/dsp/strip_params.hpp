// The channel strip's DSP parameters: what the control side hands each block's set(). Plain values;
// the blocks clamp whatever arrives to ranges their designs stay stable in, so a bad value can
// never produce NaN or a runaway filter on the real-time thread (the TypeScript layer rejects them
// first with a RangeError).
#pragma once

namespace ringmix::engine::dsp {

// Butterworth high-pass: slope 12 (one section) or 24 dB/octave (two); anything else counts as 12.
struct HighPassParams {
  bool enabled = false;
  double frequency = 80;
  int slope = 12;
};

struct EqBand {
  double frequency;
  double gainDb;
  double q;
};

// Low shelf → peaking mid → high shelf (RBJ cookbook designs; a shelf's q as the cookbook's Q).
struct EqParams {
  bool enabled = false;
  EqBand low{100, 0, 0.7071}, mid{1000, 0, 1.0}, high{10000, 0, 0.7071};
};

// Feed-forward, stereo-linked peak compressor. kneeDb: the soft knee's full width (0 = hard).
struct CompressorParams {
  bool enabled = false;
  double thresholdDb = -20, ratio = 4, attackMs = 10, releaseMs = 100, kneeDb = 6, makeupDb = 0;
};

// Noise gate. rangeDb: how far the closed gate attenuates (positive dB).
struct GateParams {
  bool enabled = false;
  double thresholdDb = -50, rangeDb = 60, attackMs = 1, holdMs = 50, releaseMs = 100;
};

inline bool operator==(const EqBand& a, const EqBand& b) noexcept {
  return a.frequency == b.frequency && a.gainDb == b.gainDb && a.q == b.q;
}
inline bool operator==(const HighPassParams& a, const HighPassParams& b) noexcept {
  return a.enabled == b.enabled && a.frequency == b.frequency && a.slope == b.slope;
}
inline bool operator==(const EqParams& a, const EqParams& b) noexcept {
  return a.enabled == b.enabled && a.low == b.low && a.mid == b.mid && a.high == b.high;
}

}  // namespace ringmix::engine::dsp
