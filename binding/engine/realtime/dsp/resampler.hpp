// Resampler: a band-limited (windowed-sinc, polyphase) converter whose ratio can move while it
// runs, continuously: for a device at another rate than the mixer's and for drift compensation,
// which steers the ratio a few ppm at a time. (speexdsp's fractional ratios cannot do this: on the
// 1.2.1 it ships, a ratio changed while in its interpolating mode keeps the old advance.)
//
// Each output frame is a dot product of the last kTaps input frames with a sinc kernel shifted by
// the fractional position, taken from a table of kPhases kernels with linear interpolation between
// neighbours. 64 taps, Kaiser window (beta 9): THD+N of a 1 kHz sine at +500 ppm is below -100 dB
// (about -107 dB, tested). Latency: kTaps / 2 input frames. Built (allocating its table and history) on the JS
// thread; process() and setRatio() are real-time safe: arithmetic on preallocated memory.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>

namespace ringmix::engine {

class Resampler {
 public:
  static constexpr std::uint32_t kTaps = 64;
  static constexpr std::uint32_t kPhases = 256;

  // The kernel table: (kPhases + 1) kernels of kTaps, read-only once built, so resamplers of the
  // same rates can share one (engine/control/resampler_tables.hpp: designing one takes ~2 ms).
  using Table = std::shared_ptr<const float[]>;

  // maxSkew > 0: setRatio() may move the ratio within nominal × (1 ± maxSkew). Without a table,
  // designs its own.
  Resampler(std::uint32_t channels, std::uint32_t inRate, std::uint32_t outRate, double maxSkew = 0.0,
            Table table = nullptr)
      : channels_(channels), inRate_(inRate), outRate_(outRate), nominal_(static_cast<double>(inRate) / outRate),
        maxSkew_(maxSkew), ratio_(nominal_), table_(table ? std::move(table) : design(inRate, outRate, maxSkew)),
        history_(new float[2 * kTaps * channels]()), coef_(new float[kTaps]) {}

  static Table design(std::uint32_t inRate, std::uint32_t outRate, double maxSkew) {
    // Cut-off (input-rate cycles per frame): between two rates, just below the lower Nyquist
    // frequency. At one rate (drift compensation only) exactly at Nyquist: the ratio stays within
    // ±0.5 % of 1, so anything it folds lies above 21 kHz; and the kernel at phase 0 is then a
    // unit impulse, so two clocks that agree pass the input through bit for bit.
    const double nominal = static_cast<double>(inRate) / outRate;
    const double fc = inRate == outRate ? 0.5 : 0.5 * std::min(1.0, 1.0 / (nominal * (1.0 + maxSkew))) * 0.92;
    std::shared_ptr<float[]> table(new float[(kPhases + 1) * kTaps]);
    double kernel[kTaps];
    for (std::uint32_t p = 0; p <= kPhases; ++p) {
      double sum = 0.0;
      for (std::uint32_t k = 0; k < kTaps; ++k) {
        // Tap k sits at (k - (kTaps/2 - 1)) - phase input frames from the output instant.
        const double t = static_cast<double>(k) - (kTaps / 2.0 - 1.0) - static_cast<double>(p) / kPhases;
        kernel[k] = 2.0 * fc * sinc(2.0 * fc * t) * kaiser(t / (kTaps / 2.0));
        sum += kernel[k];
      }
      // Unity gain at DC for every phase: no level change, and no gain ripple as the phase moves.
      for (std::uint32_t k = 0; k < kTaps; ++k) table[p * kTaps + k] = static_cast<float>(kernel[k] / sum);
    }
    return table;
  }
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  struct Result {
    std::uint32_t consumed;  // input frames used
    std::uint32_t produced;  // output frames written
  };

  // Converts `in` into up to outFrames frames of `out` (both interleaved). Takes only the input
  // frames it needs, so what it did not take stays the caller's (in its ring).
  Result process(const float* in, std::uint32_t inFrames, float* out, std::uint32_t outFrames) noexcept {
    const std::uint32_t ch = channels_;
    std::uint32_t used = 0, made = 0;
    if (passThrough()) {  // two clocks that agree exactly: a delay line (see passBlock())
      const std::uint32_t n = std::min(inFrames, outFrames);
      passBlock(in, out, n);
      used = made = n;
    }
    while (made < outFrames) {
      while (need_ > 0 && used < inFrames) {
        push(in + static_cast<std::size_t>(used) * ch);
        ++used;
        --need_;
      }
      if (need_ > 0) break;  // out of input
      render(out + static_cast<std::size_t>(made) * ch);
      ++made;
      frac_ += ratio_;
      const double whole = std::floor(frac_);
      need_ = static_cast<std::uint32_t>(whole);
      frac_ -= whole;
    }
    return {used, made};
  }

  // Resumes in pass-through (ratio nominal, on a whole frame) with `window` (kTaps frames, oldest
  // first) as its history: its next kTaps / 2 outputs are the window's newest half. For a
  // generator that was rendered without it (VirtualSource::leaveDirect()). Real-time safe.
  void resumePassThrough(const float* window) noexcept {
    const std::size_t bytes = static_cast<std::size_t>(kTaps) * channels_ * sizeof(float);
    std::memcpy(history_.get(), window, bytes);
    std::memcpy(history_.get() + static_cast<std::size_t>(kTaps) * channels_, window, bytes);
    write_ = kTaps - 1;
    ratio_ = nominal_;
    frac_ = 0.0;
    need_ = 1;
  }

  // Input frames per output frame, clamped to the range given at construction.
  void setRatio(double inPerOut) noexcept {
    if (maxSkew_ <= 0.0) return;
    ratio_ = std::fmax(nominal_ * (1.0 - maxSkew_), std::fmin(nominal_ * (1.0 + maxSkew_), inPerOut));
  }
  double ratio() const noexcept { return ratio_; }
  // Input it is committed to beyond what it took: the frames it needs before its next output and
  // the fraction past them (so taken + committed() is its exact position in the input).
  double committed() const noexcept { return need_ + frac_; }

  std::uint32_t channels() const noexcept { return channels_; }
  std::uint32_t inRate() const noexcept { return inRate_; }
  std::uint32_t outRate() const noexcept { return outRate_; }

 private:
  static double sinc(double x) noexcept {
    if (std::fabs(x) < 1e-12) return 1.0;
    const double px = 3.14159265358979323846 * x;
    return std::sin(px) / px;
  }
  // Kaiser window on [-1, 1] (beta 9: ~90 dB side lobes), through a series for I0.
  static double kaiser(double x) noexcept {
    if (x <= -1.0 || x >= 1.0) return 0.0;
    constexpr double kBeta = 9.0;
    return besselI0(kBeta * std::sqrt(1.0 - x * x)) / besselI0(kBeta);
  }
  static double besselI0(double x) noexcept {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 40; ++k) {
      term *= (x / (2.0 * k)) * (x / (2.0 * k));
      sum += term;
    }
    return sum;
  }

  // Appends one input frame to the history (written twice, so the last kTaps frames are always
  // contiguous at [write_ + 1, write_ + kTaps]).
  void push(const float* frame) noexcept {
    write_ = (write_ + 1) % kTaps;
    for (std::uint32_t c = 0; c < channels_; ++c) {
      history_[static_cast<std::size_t>(write_) * channels_ + c] = frame[c];
      history_[static_cast<std::size_t>(write_ + kTaps) * channels_ + c] = frame[c];
    }
  }

  void render(float* out) noexcept {
    const double pos = frac_ * kPhases;
    const auto p = std::min(static_cast<std::uint32_t>(pos), kPhases - 1);
    const auto a = static_cast<float>(pos - p);
    const float* h0 = table_.get() + static_cast<std::size_t>(p) * kTaps;
    const float* h1 = h0 + kTaps;
    for (std::uint32_t k = 0; k < kTaps; ++k) coef_[k] = h0[k] + a * (h1[k] - h0[k]);
    const float* x = history_.get() + static_cast<std::size_t>(write_ + 1) * channels_;
    for (std::uint32_t c = 0; c < channels_; ++c) {
      float acc = 0.0f;
      for (std::uint32_t k = 0; k < kTaps; ++k) acc += coef_[k] * x[static_cast<std::size_t>(k) * channels_ + c];
      out[c] = acc;
    }
  }

  // At one rate, ratio exactly 1 and on a whole input frame, the kernel is phase 0's: a unit
  // impulse at tap kTaps/2 - 1 (its other taps are rounding, 1e-17 of it), so each output is the
  // input kDelay frames back. Copying is the same signal (its float sums round to the same value)
  // at a fraction of a 64-tap dot product per frame.
  static constexpr std::uint32_t kDelay = kTaps / 2;
  bool passThrough() const noexcept {
    return ratio_ == 1.0 && frac_ == 0.0 && need_ == 1 && inRate_ == outRate_;
  }
  // n frames in, n out: out[j] is the frame kDelay before in[j] in the stream of history then in.
  void passBlock(const float* in, float* out, std::uint32_t n) noexcept {
    const std::size_t ch = channels_;
    // The window's frames oldest first: kTaps frames from slot write_ + 1.
    const float* window = history_.get() + static_cast<std::size_t>(write_ + 1) * ch;
    const std::uint32_t fromHistory = std::min(n, kDelay);
    std::memcpy(out, window + (kTaps - kDelay) * ch, fromHistory * ch * sizeof(float));
    if (n > kDelay) std::memcpy(out + kDelay * ch, in, (n - kDelay) * ch * sizeof(float));
    if (n >= kTaps) {  // the history becomes in's last kTaps frames, newest in slot kTaps - 1
      const float* last = in + static_cast<std::size_t>(n - kTaps) * ch;
      std::memcpy(history_.get(), last, kTaps * ch * sizeof(float));
      std::memcpy(history_.get() + kTaps * ch, last, kTaps * ch * sizeof(float));
      write_ = kTaps - 1;
    } else {
      pushBlock(in, n);
    }
  }

  // push() for n < kTaps frames at once: the slots after write_, in at most two runs (the ring
  // wraps), each copied to both halves. Short periods pass a block per cycle: frame by frame this
  // was ~60 instructions per frame.
  void pushBlock(const float* in, std::uint32_t n) noexcept {
    const std::size_t ch = channels_;
    std::uint32_t slot = (write_ + 1) % kTaps;
    for (std::uint32_t done = 0; done < n;) {
      const std::uint32_t run = std::min(n - done, kTaps - slot);
      const std::size_t bytes = run * ch * sizeof(float);
      std::memcpy(history_.get() + slot * ch, in + done * ch, bytes);
      std::memcpy(history_.get() + (slot + kTaps) * ch, in + done * ch, bytes);
      done += run;
      slot = (slot + run) % kTaps;
    }
    write_ = (slot + kTaps - 1) % kTaps;
  }

  const std::uint32_t channels_, inRate_, outRate_;
  const double nominal_, maxSkew_;
  double ratio_;
  Table table_;                       // (kPhases + 1) kernels of kTaps
  std::unique_ptr<float[]> history_;  // 2 × kTaps frames
  std::unique_ptr<float[]> coef_;     // the kernel of the frame being rendered
  std::uint32_t write_ = kTaps - 1;   // slot of the newest frame
  double frac_ = 0.0;                 // position of the next output past the window's centre
  std::uint32_t need_ = kTaps / 2;    // input frames to take before the next output (start-up: half a window)
};

}  // namespace ringmix::engine
