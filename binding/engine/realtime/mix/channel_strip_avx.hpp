// ChannelStrip's block-constant loops (channel_strip.hpp: processConstant()'s stereo input,
// processMono()) eight floats per AVX vector, for CPUs with AVX: the prebuilt binaries are
// baseline x86-64 (SSE2), so these functions alone are compiled for AVX and the strip picks them
// at run time (ChannelStrip::setVectorWidth()).
//
// Every element gets the SSE loops' operations in their order: x = io · g, then the bus plus
// each product, one add per product. Only "avx" is enabled, not "fma", so the compiler has no
// fused multiply-add to contract them into: the mix and the post-fader buffer are the same bits
// either way. Each function does the whole vectors and returns how many frames it did; the
// caller's loop does the rest.
//
// Elsewhere (AArch64/NEON, MSVC, 32-bit x86) kAvailable is false and the functions are stubs
// that are never called. Real-time code: arithmetic only.
#pragma once

#include <cstddef>

#include "engine/realtime/dsp/cpu_avx.hpp"

#if defined(RINGMIX_AVX_KERNELS)
#include <immintrin.h>
#endif

namespace ringmix::engine::channel_strip_avx {

#if defined(RINGMIX_AVX_KERNELS)
inline constexpr bool kAvailable = true;

// A stereo input into a stereo bus, four frames per vector: io · g, then per frame
// (bus + l · (p00, p01)) + r · (p10, p11). The shuffles work within each 128-bit half, which
// holds two whole frames: the SSE loop's dupEven()/dupOdd() on each half.
__attribute__((target("avx"))) inline std::size_t stereo(float* __restrict io, float* __restrict bus, std::size_t n,
                                                         float g, float p00, float p01, float p10, float p11) noexcept {
  const __m256 gv = _mm256_set1_ps(g);
  const __m256 left = _mm256_setr_ps(p00, p01, p00, p01, p00, p01, p00, p01);
  const __m256 right = _mm256_setr_ps(p10, p11, p10, p11, p10, p11, p10, p11);
  std::size_t f = 0;
  for (; f + 4 <= n; f += 4) {
    const __m256 x = _mm256_mul_ps(_mm256_loadu_ps(io + 2 * f), gv);
    _mm256_storeu_ps(io + 2 * f, x);
    const __m256 l = _mm256_shuffle_ps(x, x, _MM_SHUFFLE(2, 2, 0, 0)), r = _mm256_shuffle_ps(x, x, _MM_SHUFFLE(3, 3, 1, 1));
    const __m256 b = _mm256_add_ps(_mm256_loadu_ps(bus + 2 * f), _mm256_mul_ps(l, left));
    _mm256_storeu_ps(bus + 2 * f, _mm256_add_ps(b, _mm256_mul_ps(r, right)));
  }
  return f;
}

// A mono signal into a stereo bus, eight frames per vector: io · g (stored back), then bus + x ·
// (left, right) per frame. unpacklo/hi spread each frame over a pair within the 128-bit halves
// (frames 0 1 | 4 5 and 2 3 | 6 7); the two permutes put them back in memory order.
__attribute__((target("avx"))) inline std::size_t mono(float* __restrict io, float* __restrict bus, std::size_t n, float g,
                                                       float left, float right) noexcept {
  const __m256 gv = _mm256_set1_ps(g);
  const __m256 lr = _mm256_setr_ps(left, right, left, right, left, right, left, right);
  std::size_t f = 0;
  for (; f + 8 <= n; f += 8) {
    const __m256 x = _mm256_mul_ps(_mm256_loadu_ps(io + f), gv);
    _mm256_storeu_ps(io + f, x);
    const __m256 lo = _mm256_unpacklo_ps(x, x), hi = _mm256_unpackhi_ps(x, x);
    const __m256 d0 = _mm256_permute2f128_ps(lo, hi, 0x20), d1 = _mm256_permute2f128_ps(lo, hi, 0x31);
    _mm256_storeu_ps(bus + 2 * f, _mm256_add_ps(_mm256_loadu_ps(bus + 2 * f), _mm256_mul_ps(d0, lr)));
    _mm256_storeu_ps(bus + 2 * f + 8, _mm256_add_ps(_mm256_loadu_ps(bus + 2 * f + 8), _mm256_mul_ps(d1, lr)));
  }
  return f;
}
#else
inline constexpr bool kAvailable = false;
inline std::size_t stereo(float*, float*, std::size_t, float, float, float, float, float) noexcept { return 0; }
inline std::size_t mono(float*, float*, std::size_t, float, float, float) noexcept { return 0; }
#endif

}  // namespace ringmix::engine::channel_strip_avx
