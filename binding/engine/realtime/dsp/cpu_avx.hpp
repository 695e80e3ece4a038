// Whether this CPU (and its OS) runs AVX, for the few kernels compiled for it beside their
// baseline versions: the prebuilt binaries are baseline x86-64 (SSE2), so only those functions
// carry __attribute__((target("avx"))), and their callers pick them at run time. Each such kernel
// does every lane's arithmetic in the baseline's order, without FMA: the same bits either way.
//
// kCpuHasAvx is set while the library loads (static initialisation), so the audio threads only
// ever read a bool. Elsewhere (AArch64, MSVC, 32-bit x86) it is false and no AVX code is built.
#pragma once

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
#else
inline bool detectAvx() noexcept { return false; }
#endif

inline const bool kCpuHasAvx = detectAvx();

}  // namespace ringmix::engine::simd
