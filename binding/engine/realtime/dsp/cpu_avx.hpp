// Whether this CPU (and its OS) runs AVX (and AVX-512), for the few kernels compiled for it beside their
// baseline versions: the prebuilt binaries are baseline x86-64 (SSE2), so only those functions
// carry __attribute__((target("avx"))), and their callers pick them at run time. Each such kernel
// does every lane's arithmetic in the baseline's order, without FMA: the same bits either way.
//
// kCpuHasAvx is set while the library loads (static initialisation), so the audio threads only
// ever read a bool. Elsewhere (AArch64, MSVC, 32-bit x86) it is false and no AVX code is built.
#pragma once

#include <cstdlib>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RINGMIX_AVX_KERNELS 1
#endif

namespace ringmix::engine::simd {

#if defined(RINGMIX_AVX_KERNELS)
// libgcc reads the CPU at load; __builtin_cpu_init() first in case this runs before it did.
inline bool detectAvx() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx");
}
// AVX-512 (F) for the kernels that gain from it (the sine oscillator: a group of eight lanes in
// one vector). RINGMIX_NO_AVX512=1 in the environment turns it off: on older Intel server CPUs
// (Skylake-SP, Cascade Lake) 512-bit arithmetic lowers the core's clock for everything on it.
inline bool detectAvx512() noexcept {
  __builtin_cpu_init();
  const char* off = std::getenv("RINGMIX_NO_AVX512");
  return __builtin_cpu_supports("avx512f") && !(off && *off && *off != '0');
}
#else
inline bool detectAvx() noexcept { return false; }
inline bool detectAvx512() noexcept { return false; }
#endif

inline const bool kCpuHasAvx = detectAvx();
inline const bool kCpuHasAvx512 = kCpuHasAvx && detectAvx512();

}  // namespace ringmix::engine::simd
