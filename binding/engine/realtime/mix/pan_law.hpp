// Pan laws: how a channel strip's pan (-1 left … +1 right) becomes per-channel gains.
//
// - A mono source into a stereo mix uses the constant-power law: L = cos(θ), R = sin(θ) with
//   θ = (pan + 1)·π/4. Centre is -3.01 dB per side, so a source's loudness does not change as it
//   moves; hard left/right put the full level on one side.
// - A stereo source uses balance: the channel on the side being panned away from is attenuated by
//   cos(|pan|·π/2), the other stays at unity. Centre is 0 dB per side (the stereo image passes
//   unchanged); hard right silences the left channel.
// - Into a mono mix, pan is ignored; a stereo source is folded down as (L + R) / 2.
#pragma once

#include <cmath>

namespace ringmix::engine {

// Gains from each input channel to each mix channel: g[in][out].
struct PanGains {
  float g[2][2] = {{0, 0}, {0, 0}};
};

// cos(π/2) is not exactly 0 in floating point; a hard pan must be exactly silent on the far side.
inline float snapToZero(double g) noexcept { return g < 1e-7 ? 0.0f : static_cast<float>(g); }

inline PanGains panGains(unsigned inChannels, unsigned outChannels, float pan) noexcept {
  constexpr double kPi = 3.14159265358979323846;
  PanGains p;
  if (outChannels == 1) {
    const float fold = inChannels == 2 ? 0.5f : 1.0f;
    p.g[0][0] = fold;
    p.g[1][0] = inChannels == 2 ? fold : 0.0f;
    return p;
  }
  if (inChannels == 1) {
    const double theta = (pan + 1.0) * kPi / 4.0;
    p.g[0][0] = snapToZero(std::cos(theta));
    p.g[0][1] = snapToZero(std::sin(theta));
    return p;
  }
  p.g[0][0] = pan > 0 ? snapToZero(std::cos(pan * kPi / 2.0)) : 1.0f;
  p.g[1][1] = pan < 0 ? snapToZero(std::cos(-pan * kPi / 2.0)) : 1.0f;
  return p;
}

}  // namespace ringmix::engine
