// The figures of each subject as JSON, and the goals judged from them. Goals are reported, never
// enforced: a drift figure depends on the machine (real time) and on the run's length.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "common/stats.hpp"
#include "drift/subject.hpp"

namespace ringmix::bench::drift {

// The goals for the compensated variant (and what the baselines must fail, or the bench would not
// be telling drift apart).
inline constexpr double kDriftGoalMs = 0.02;
inline constexpr double kPeakToPeakGoalMs = 0.5;
inline constexpr double kLockGoalS = 5.0;

inline std::string ppmKey(double ppm) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", ppm);
  return buf;
}

inline Json figuresJson(const Subject& s) {
  const LatencyFigures f = summarise(s.pointsAfterLock());
  Json j = Json::object();
  j["markers"] = s.points().size();
  j["markersAfterLock"] = f.count;
  Json lat = Json::object();
  lat["min"] = f.minMs;
  lat["mean"] = f.meanMs;
  lat["max"] = f.maxMs;
  lat["peakToPeak"] = f.peakToPeakMs;
  j["latencyMs"] = lat;
  j["slopeUsPerMin"] = f.slopeUsPerMin;
  j["localSlopeUsPerMin"] = f.localSlopeUsPerMin;
  j["driftMs"] = f.driftMs;
  j["lockTimeS"] = s.lockTimeS();  // null: never locked (or not compensated)
  if (s.isEngine()) {
    const auto& c = s.engineCounters();
    j["lockedAtEnd"] = s.lockedNow();
    j["lockLosses"] = s.lockLosses();
    j["underruns"] = c.underruns;
    j["overruns"] = c.overruns;
    j["resyncs"] = c.resyncs;
    j["xruns"] = c.xruns;
    j["skippedCycles"] = c.skippedCycles;
    j["dspLoadMean"] = s.dspLoadMean();
    j["measuredClockPpm"] = c.clockPpm;
    j["ratioAtEnd"] = c.ratio;
    j["engineLatencyMs"] = c.latencyFrames * 1000.0 / s.rate();
    j["realtimePriority"] = c.realtime;
  } else {
    const auto& p = s.pipeStats();
    j["underruns"] = p.underruns;
    j["overruns"] = p.overruns;
    j["resyncs"] = 0;
    j["xruns"] = p.xruns;
    j["dspLoadMean"] = p.loadMean;  // null when simulated: nothing is timed
    Json w = Json::object();
    w["consumerMean"] = p.consumerWaitUsMean;
    w["consumerMax"] = p.consumerWaitUsMax;
    w["producerMean"] = p.producerWaitUsMean;
    w["producerMax"] = p.producerWaitUsMax;
    j["lockWaitUs"] = w;
    j["realtimePriority"] = p.realtime;
  }
  j["readerLostFrames"] = s.readerLostFrames();
  return j;
}

// Whether one subject meets the drift goals (mean drift and peak-to-peak after lock).
inline bool meetsDriftGoals(const Subject& s) {
  const LatencyFigures f = summarise(s.pointsAfterLock());
  return std::fabs(f.driftMs) < kDriftGoalMs && f.peakToPeakMs < kPeakToPeakGoalMs;
}

inline Json goalsJson(const std::vector<const Subject*>& subjects) {
  double worstDrift = 0, worstP2p = 0, worstLock = 0;
  std::uint64_t underOver = 0, xruns = 0;
  bool anyRingmix = false, driftOk = true, p2pOk = true, lockOk = true;
  bool uncompensatedFails = true, mutexFails = true, anyUnc = false, anyMutex = false;
  for (const Subject* s : subjects) {
    switch (s->variant()) {
      case Variant::Ringmix: {
        anyRingmix = true;
        const LatencyFigures f = summarise(s->pointsAfterLock());
        const auto& c = s->engineCounters();
        // A figure that could not be measured (NaN) fails its goal.
        driftOk = driftOk && std::fabs(f.driftMs) < kDriftGoalMs;
        p2pOk = p2pOk && f.peakToPeakMs < kPeakToPeakGoalMs;
        lockOk = lockOk && s->lockTimeS() <= kLockGoalS;
        worstDrift = std::isnan(f.driftMs) ? NAN : std::fmax(worstDrift, std::fabs(f.driftMs));
        worstP2p = std::isnan(f.peakToPeakMs) ? NAN : std::fmax(worstP2p, f.peakToPeakMs);
        worstLock = std::isnan(s->lockTimeS()) ? NAN : std::fmax(worstLock, s->lockTimeS());
        underOver += c.underruns + c.overruns;
        xruns += c.xruns;
        break;
      }
      case Variant::Uncompensated:
        anyUnc = true;
        uncompensatedFails = uncompensatedFails && !meetsDriftGoals(*s);
        break;
      case Variant::MutexRing:
        anyMutex = true;
        mutexFails = mutexFails && !meetsDriftGoals(*s);
        break;
    }
  }
  auto goal = [](bool pass, Json worst, const char* unit) {
    Json g = Json::object();
    g["pass"] = pass;
    g[std::string("worst") + unit] = std::move(worst);
    return g;
  };
  Json g = Json::object();
  if (anyRingmix) {
    Json r = Json::object();
    r["meanDriftUnder0.02ms"] = goal(driftOk, worstDrift, "Ms");
    r["peakToPeakUnder0.5ms"] = goal(p2pOk, worstP2p, "Ms");
    r["lockWithin5s"] = goal(lockOk, worstLock, "S");
    r["zeroUnderOverruns"] = goal(underOver == 0, underOver, "Count");
    r["zeroXruns"] = goal(xruns == 0, xruns, "Count");
    r["pass"] = driftOk && p2pOk && lockOk && underOver == 0 && xruns == 0;
    g["ringmix"] = r;
  }
  Json b = Json::object();
  b["uncompensatedFails"] = anyUnc ? Json(uncompensatedFails) : Json();
  b["mutexRingFails"] = anyMutex ? Json(mutexFails) : Json();
  b["pass"] = anyUnc && anyMutex && uncompensatedFails && mutexFails;
  g["uncompensatedAndMutexRingFail"] = b;
  return g;
}

}  // namespace ringmix::bench::drift
