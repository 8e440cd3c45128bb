// Row-block loops of the tabulated transformer path, compiled once per SIMD level from one template
// (see gemm.cpp for why per-function targets: the library stays baseline x86-64).
// Only mul and add are used (no FMA), so every level gives the same numbers up to the fixed
// 16-way partial-sum order, which is also the same everywhere.
#include "grok/grokking/models/transformer/token_rows.h"

#include "grok/common/gemm.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GROK_ROWS_X86 1
#else
#define GROK_ROWS_X86 0
#endif

#define GROK_ALWAYS_INLINE inline __attribute__((always_inline))

namespace grok {
namespace {

template <class S>
GROK_ALWAYS_INLINE void mix_impl(int n, int heads, const int* a, const int* b, const S* att, const S* Tb, S* Y,
                                 long ldy) {
  const long run = static_cast<long>(heads) * kTableRows;  // one token's heads
  for (int e = 0; e < n; ++e) {
    S* __restrict y = Y + e * ldy;
    const S* at = att + 3L * heads * e;
    const S* ta = Tb + a[e] * run;
    const S* tb = Tb + b[e] * run;
    for (int h = 0; h < heads; ++h) {
      const S* x0 = ta + h * kTableRows;
      const S* x1 = tb + h * kTableRows;
      const S a0 = at[3 * h], a1 = at[3 * h + 1];
      for (int i = 0; i < kTableRows; ++i) y[i] += a0 * x0[i] + a1 * x1[i];
    }
  }
}

// Adds the 16 partial sums of dy . t into part and w dy into dt.
template <class S>
GROK_ALWAYS_INLINE void dot_axpy(const S* __restrict dy, const S* __restrict t, S w, S* __restrict dt,
                                 S* __restrict part) {
  S acc[kDotLanes];
  for (int k = 0; k < kDotLanes; ++k) acc[k] = part[k];
  for (int i = 0; i < kTableRows; i += kDotLanes)
    for (int k = 0; k < kDotLanes; ++k) {
      acc[k] += dy[i + k] * t[i + k];
      dt[i + k] += w * dy[i + k];
    }
  for (int k = 0; k < kDotLanes; ++k) part[k] = acc[k];
}

template <class S>
GROK_ALWAYS_INLINE void backward_impl(int n, int heads, const int* a, const int* b, const S* att, const S* dY,
                                      long ldy, const S* Tb, S* dTb, S* part) {
  const long run = static_cast<long>(heads) * kTableRows;
  for (int e = 0; e < n; ++e) {
    const S* dy = dY + e * ldy;
    const S* at = att + 3L * heads * e;
    S* pe = part + static_cast<long>(kDotLanes) * 2 * heads * e;
    const long ca = a[e] * run, cb = b[e] * run;
    for (int h = 0; h < heads; ++h) {
      // One column at a time: a[e] == b[e] makes both columns the same.
      const long oa = ca + h * kTableRows, ob = cb + h * kTableRows;
      dot_axpy<S>(dy, Tb + oa, at[3 * h], dTb + oa, pe + kDotLanes * (2 * h));
      dot_axpy<S>(dy, Tb + ob, at[3 * h + 1], dTb + ob, pe + kDotLanes * (2 * h + 1));
    }
  }
}

template <class S>
GROK_ALWAYS_INLINE void activation_impl(long count, bool quad, const S* __restrict pre, S* __restrict d) {
  if (quad)
    for (long i = 0; i < count; ++i) d[i] *= S(2) * pre[i];
  else
    for (long i = 0; i < count; ++i) d[i] = pre[i] > S(0) ? d[i] : S(0);
}

#if GROK_ROWS_X86
#define GROK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#if defined(__clang__)  // clang has no prefer-vector-width in target(); it uses 512-bit vectors for avx512f code
#define GROK_TARGET_AVX512 __attribute__((target("avx512f")))
#else
#define GROK_TARGET_AVX512 __attribute__((target("avx512f,prefer-vector-width=512")))
#endif
GROK_TARGET_AVX2 void mix_avx2(int n, int heads, const int* a, const int* b, const float* att, const float* Tb,
                               float* Y, long ldy) {
  mix_impl<float>(n, heads, a, b, att, Tb, Y, ldy);
}
GROK_TARGET_AVX512 void mix_avx512(int n, int heads, const int* a, const int* b, const float* att,
                                   const float* Tb, float* Y, long ldy) {
  mix_impl<float>(n, heads, a, b, att, Tb, Y, ldy);
}
GROK_TARGET_AVX2 void backward_avx2(int n, int heads, const int* a, const int* b, const float* att,
                                    const float* dY, long ldy, const float* Tb, float* dTb, float* part) {
  backward_impl<float>(n, heads, a, b, att, dY, ldy, Tb, dTb, part);
}
GROK_TARGET_AVX512 void backward_avx512(int n, int heads, const int* a, const int* b, const float* att,
                                        const float* dY, long ldy, const float* Tb, float* dTb, float* part) {
  backward_impl<float>(n, heads, a, b, att, dY, ldy, Tb, dTb, part);
}
GROK_TARGET_AVX2 void activation_avx2(long count, bool quad, const float* pre, float* d) {
  activation_impl<float>(count, quad, pre, d);
}
GROK_TARGET_AVX512 void activation_avx512(long count, bool quad, const float* pre, float* d) {
  activation_impl<float>(count, quad, pre, d);
}
#endif

}  // namespace

template <>
void mix_token_rows<double>(int n, int heads, const int* a, const int* b, const double* att, const double* Tb,
                            double* Y, long ldy) {
  mix_impl<double>(n, heads, a, b, att, Tb, Y, ldy);
}
template <>
void backward_token_rows<double>(int n, int heads, const int* a, const int* b, const double* att,
                                 const double* dY, long ldy, const double* Tb, double* dTb, double* part) {
  backward_impl<double>(n, heads, a, b, att, dY, ldy, Tb, dTb, part);
}
template <>
void activation_backward<double>(long count, bool quad, const double* pre, double* d) {
  activation_impl<double>(count, quad, pre, d);
}

template <>
void mix_token_rows<float>(int n, int heads, const int* a, const int* b, const float* att, const float* Tb,
                           float* Y, long ldy) {
#if GROK_ROWS_X86
  switch (simd_level()) {
    case SimdLevel::Avx512: return mix_avx512(n, heads, a, b, att, Tb, Y, ldy);
    case SimdLevel::Avx2: return mix_avx2(n, heads, a, b, att, Tb, Y, ldy);
    default: break;
  }
#endif
  mix_impl<float>(n, heads, a, b, att, Tb, Y, ldy);
}
template <>
void backward_token_rows<float>(int n, int heads, const int* a, const int* b, const float* att, const float* dY,
                                long ldy, const float* Tb, float* dTb, float* part) {
#if GROK_ROWS_X86
  switch (simd_level()) {
    case SimdLevel::Avx512: return backward_avx512(n, heads, a, b, att, dY, ldy, Tb, dTb, part);
    case SimdLevel::Avx2: return backward_avx2(n, heads, a, b, att, dY, ldy, Tb, dTb, part);
    default: break;
  }
#endif
  backward_impl<float>(n, heads, a, b, att, dY, ldy, Tb, dTb, part);
}
template <>
void activation_backward<float>(long count, bool quad, const float* pre, float* d) {
#if GROK_ROWS_X86
  switch (simd_level()) {
    case SimdLevel::Avx512: return activation_avx512(count, quad, pre, d);
    case SimdLevel::Avx2: return activation_avx2(count, quad, pre, d);
    default: break;
  }
#endif
  activation_impl<float>(count, quad, pre, d);
}

template <class S>
void reduce_token_dots(int n, int heads, const S* part, S* datt) {
  for (int e = 0; e < n; ++e)
    for (int h = 0; h < heads; ++h)
      for (int j = 0; j < 2; ++j) {
        const S* p = part + static_cast<long>(kDotLanes) * ((2L * heads) * e + 2 * h + j);
        S acc[kDotLanes];
        for (int k = 0; k < kDotLanes; ++k) acc[k] = p[k];
        for (int w = kDotLanes / 2; w >= 1; w /= 2)
          for (int k = 0; k < w; ++k) acc[k] += acc[k + w];
        datt[3L * heads * e + 3 * h + j] += acc[0];
      }
}

template void reduce_token_dots<float>(int, int, const float*, float*);
template void reduce_token_dots<double>(int, int, const double*, double*);

}  // namespace grok
