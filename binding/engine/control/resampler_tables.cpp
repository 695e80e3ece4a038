#include "engine/control/resampler_tables.hpp"

#include <map>
#include <mutex>
#include <tuple>

namespace ringmix::engine {

Resampler::Table sharedResamplerTable(std::uint32_t inRate, std::uint32_t outRate, double maxSkew) {
  static std::mutex lock;
  static std::map<std::tuple<std::uint32_t, std::uint32_t, double>, Resampler::Table> tables;
  std::lock_guard<std::mutex> guard(lock);
  auto& t = tables[{inRate, outRate, maxSkew}];
  if (!t) t = Resampler::design(inRate, outRate, maxSkew);
  return t;
}

}  // namespace ringmix::engine
