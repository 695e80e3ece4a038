// Finding the impulse markers in a mix and turning them into end-to-end latencies.
//
// The source emits a one-sample impulse of height 1.0 once per second of ITS OWN clock (device
// frame k * rate). In the mix it arrives either untouched (no resampler: uncompensated input,
// mutex pipeline) or band-limited by the drift resampler (a windowed-sinc pulse ~64 samples long
// whose peak sample sits within half a sample of the true position).
//
// Detection: a run of samples above the threshold (0.5), its largest sample being the peak. The
// position is then refined to a fraction of a sample with the pulse's centroid over a window
// around the peak (sum n*x[n] / sum x[n]). Why the centroid: the resampler's every phase is
// normalised to unity DC gain, so sum x[n] is 1 whatever the fractional delay, and for a
// symmetric band-limited pulse the first moment of its samples is exactly its centre; the peak
// sample alone would quantise every latency to 1/48 ms (0.0208 ms), as coarse as the drift goal
// (0.02 ms) it has to judge. For an untouched impulse the centroid is the impulse's own sample.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ringmix::bench::drift {

// Streaming: samples arrive in chunks with their absolute position in the mix (frames since the
// mix started), with gaps where a reader was lapped. Keeps only a short history.
class MarkerScanner {
 public:
  static constexpr float kThreshold = 0.5f;
  static constexpr std::int64_t kHalfWindow = 40;  // the resampler's pulse spans ±32 samples

  // `pos`: the absolute position of data[0]. A gap (pos beyond what was seen) drops a run in
  // progress: a marker cut by a gap is not measured.
  void feed(const float* data, std::size_t n, std::uint64_t pos) {
    if (pos != next_) {
      inRun_ = false;
      pending_.clear();
      historyFrom_ = pos;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t p = pos + i;
      const float x = data[i];
      history_[p & kHistoryMask] = x;
      if (x > kThreshold) {
        if (!inRun_ || x > peak_) peak_ = x, peakPos_ = p;
        inRun_ = true;
      } else if (inRun_) {
        inRun_ = false;
        pending_.push_back(peakPos_);
      }
      // A pending peak is refined once the window after it has arrived.
      if (!pending_.empty() && p >= pending_.front() + kHalfWindow) {
        found_.push_back(refine(pending_.front(), p));
        pending_.erase(pending_.begin());
      }
    }
    next_ = pos + n;
  }

  // Marker positions found since the last call (fractional mix frames), in order.
  std::vector<double> take() {
    std::vector<double> out;
    out.swap(found_);
    return out;
  }

 private:
  static constexpr std::uint64_t kHistory = 1024;  // a power of two, > 2 * kHalfWindow
  static constexpr std::uint64_t kHistoryMask = kHistory - 1;

  double refine(std::uint64_t peak, std::uint64_t newest) const {
    const std::uint64_t lo = std::max<std::uint64_t>({peak - std::min<std::uint64_t>(peak, kHalfWindow),
                                                      historyFrom_, newest + 1 - std::min(newest + 1, kHistory)});
    const std::uint64_t hi = peak + kHalfWindow;
    double sum = 0.0, moment = 0.0;
    for (std::uint64_t p = lo; p <= hi; ++p) {
      const double x = history_[p & kHistoryMask];
      sum += x;
      moment += x * static_cast<double>(static_cast<std::int64_t>(p - peak));
    }
    // Anything far from a unit pulse (a pulse cut by a dropped period, a re-sync mid-pulse):
    // keep the peak sample rather than a centroid that means nothing.
    if (sum < 0.5 || sum > 1.5) return static_cast<double>(peak);
    const double offset = moment / sum;
    return static_cast<double>(peak) + (std::fabs(offset) <= 1.0 ? offset : 0.0);
  }

  float history_[kHistory] = {};
  std::uint64_t historyFrom_ = 0;  // oldest valid history position
  std::uint64_t next_ = 0;
  bool inRun_ = false;
  float peak_ = 0.0f;
  std::uint64_t peakPos_ = 0;
  std::vector<std::uint64_t> pending_;
  std::vector<double> found_;
};

// One marker as a latency: when it came out of the mix (seconds of mix time) and how long after
// its production on the master's timeline (ms).
struct LatencyPoint {
  double timeS;
  double latencyMs;
};

// Marker at mix position `pos` from a source whose clock runs at (1 + ppm/1e6) times the master's.
// Impulse k was produced at device frame k * rate, i.e. master frame k * rate / (1 + ppm/1e6)
// (both clocks start together, up to a constant that does not matter for drift). k is recovered
// from the position itself, assuming the latency lies within [-0.25 s, 0.75 s): robust to lost
// markers and to the jumps of a trimmed or underrun ring, whose latency never exceeds ~0.7 s here.
inline LatencyPoint latencyOf(double pos, double ppm, double rate) {
  const double ratio = 1.0 + ppm / 1e6;
  const double k = std::floor(pos * ratio / rate + 0.25);
  const double produced = k * rate / ratio;
  return {pos / rate, (pos - produced) * 1000.0 / rate};
}

// Figures over a series of latency points (the ones after lock).
struct LatencyFigures {
  std::size_t count = 0;
  double minMs = NAN, meanMs = NAN, maxMs = NAN, peakToPeakMs = NAN;
  double slopeUsPerMin = NAN;  // least-squares slope of latency over time
  double driftMs = NAN;        // latency at the end minus latency at the start of the series
  // The median of the slopes between consecutive markers: how fast the latency moves while it
  // moves freely, blind to the jumps of a trimmed or re-primed ring (which make the least-squares
  // slope of a long uncompensated run meaningless).
  double localSlopeUsPerMin = NAN;
};

inline LatencyFigures summarise(const std::vector<LatencyPoint>& pts) {
  LatencyFigures f;
  f.count = pts.size();
  if (pts.empty()) return f;
  double sum = 0.0;
  f.minMs = f.maxMs = pts.front().latencyMs;
  for (const auto& p : pts) {
    f.minMs = std::min(f.minMs, p.latencyMs);
    f.maxMs = std::max(f.maxMs, p.latencyMs);
    sum += p.latencyMs;
  }
  const double n = static_cast<double>(pts.size());
  f.meanMs = sum / n;
  f.peakToPeakMs = f.maxMs - f.minMs;
  if (pts.size() >= 2) {
    // Centred sums: minutes and milliseconds of a long run would lose digits uncentred.
    double mt = 0.0;
    for (const auto& p : pts) mt += p.timeS;
    mt /= n;
    double sxy = 0.0, sxx = 0.0;
    for (const auto& p : pts) {
      const double dt = (p.timeS - mt) / 60.0;
      sxy += dt * (p.latencyMs - f.meanMs);
      sxx += dt * dt;
    }
    if (sxx > 0) f.slopeUsPerMin = sxy / sxx * 1000.0;
    // End minus start, each the mean of a few markers (a quarter of them, 1 to 10), so one
    // marker's jitter does not pose as drift.
    const std::size_t m = std::clamp<std::size_t>(pts.size() / 4, 1, 10);
    double head = 0.0, tail = 0.0;
    for (std::size_t i = 0; i < m; ++i) head += pts[i].latencyMs, tail += pts[pts.size() - 1 - i].latencyMs;
    f.driftMs = (tail - head) / static_cast<double>(m);
    std::vector<double> local;
    for (std::size_t i = 1; i < pts.size(); ++i) {
      const double dt = pts[i].timeS - pts[i - 1].timeS;
      if (dt > 0) local.push_back((pts[i].latencyMs - pts[i - 1].latencyMs) / dt * 60.0 * 1000.0);
    }
    if (!local.empty()) {
      std::nth_element(local.begin(), local.begin() + local.size() / 2, local.end());
      f.localSlopeUsPerMin = local[local.size() / 2];
    }
  }
  return f;
}

}  // namespace ringmix::bench::drift
