#include "urja/fr.hpp"

#include <cstring>

namespace urja {
namespace {

constexpr int N = 8;
constexpr uint32_t kP[N] = {0xf0000001u, 0x43e1f593u, 0x79b97091u, 0x2833e848u,
                            0x8181585du, 0xb85045b6u, 0xe131a029u, 0x30644e72u};
constexpr uint32_t kR1[N] = {0x4ffffffbu, 0xac96341cu, 0x9f60cd29u, 0x36fc7695u,
                             0x7879462eu, 0x666ea36fu, 0x9a07df2fu, 0x0e0a77c1u};
constexpr uint32_t kR2[N] = {0xae216da7u, 0x1bb8e645u, 0xe35c59e3u, 0x53fe3ab1u,
                             0x53bb8085u, 0x8c49833du, 0x7f4e44a5u, 0x0216d0b1u};
constexpr uint32_t kInv = 0xefffffffu;  // -r^{-1} mod 2^32

// a >= p ?
bool geq_p(const uint32_t a[N]) {
  for (int i = N - 1; i >= 0; --i) {
    if (a[i] != kP[i]) return a[i] > kP[i];
  }
  return true;
}

// a -= p (caller knows a >= p or that the borrow is absorbed by a carry word).
void sub_p(uint32_t a[N]) {
  uint64_t borrow = 0;
  for (int i = 0; i < N; ++i) {
    uint64_t d = uint64_t(a[i]) - kP[i] - borrow;
    a[i] = uint32_t(d);
    borrow = (d >> 32) & 1;
  }
}

// Montgomery product a*b/2^256 mod r, CIOS with the "no-carry" shortcut: r's top limb is
// below (2^32-1)/2 - 1, so the running value always fits in eight limbs (as in gnark-crypto).
void mont_mul(const uint32_t a[N], const uint32_t b[N], uint32_t out[N]) {
  uint32_t t[N] = {0};
  for (int i = 0; i < N; ++i) {
    const uint64_t bi = b[i];
    uint64_t A = uint64_t(t[0]) + uint64_t(a[0]) * bi;
    const uint64_t m = uint32_t(uint32_t(A) * kInv);
    uint64_t C = uint64_t(uint32_t(A)) + m * kP[0];  // low word is zero by choice of m
    A >>= 32;
    C >>= 32;
    for (int j = 1; j < N; ++j) {
      A = uint64_t(t[j]) + uint64_t(a[j]) * bi + A;
      C = uint64_t(uint32_t(A)) + m * kP[j] + C;
      t[j - 1] = uint32_t(C);
      A >>= 32;
      C >>= 32;
    }
    t[N - 1] = uint32_t(A + C);
  }
  if (geq_p(t)) sub_p(t);
  std::memcpy(out, t, sizeof t);
}

}  // namespace

Fr Fr::zero() { return Fr{{0, 0, 0, 0, 0, 0, 0, 0}}; }

Fr Fr::one() {
  Fr r;
  std::memcpy(r.l, kR1, sizeof r.l);
  return r;
}

Fr Fr::from_u64(uint64_t v) {
  Fr plain = zero();
  plain.l[0] = uint32_t(v);
  plain.l[1] = uint32_t(v >> 32);
  Fr r;
  mont_mul(plain.l, kR2, r.l);
  return r;
}

Fr Fr::from_mont(const Limbs& m) {
  Fr r;
  std::memcpy(r.l, m, sizeof r.l);
  return r;
}

bool Fr::from_bytes_be(const uint8_t in[32], Fr& out) {
  uint32_t plain[N];
  for (int i = 0; i < N; ++i) {
    const uint8_t* p = in + 32 - 4 * (i + 1);
    plain[i] = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
  }
  if (geq_p(plain)) return false;
  mont_mul(plain, kR2, out.l);
  return true;
}

void Fr::to_bytes_be(uint8_t out[32]) const {
  const uint32_t one_plain[N] = {1, 0, 0, 0, 0, 0, 0, 0};
  uint32_t plain[N];
  mont_mul(l, one_plain, plain);
  for (int i = 0; i < N; ++i) {
    uint8_t* p = out + 32 - 4 * (i + 1);
    p[0] = uint8_t(plain[i] >> 24);
    p[1] = uint8_t(plain[i] >> 16);
    p[2] = uint8_t(plain[i] >> 8);
    p[3] = uint8_t(plain[i]);
  }
}

Fr Fr::dot(const Limbs* row, const Fr* x, size_t n) {
  // 17 products of elements below r < 2^254 sum to less than 17 r^2 < 2^512: 16 limbs, plus
  // one more for the reduction's carries.
  uint32_t acc[2 * N + 1] = {0};
  for (size_t k = 0; k < n; ++k) {
    const uint32_t* a = row[k];
    const uint32_t* b = x[k].l;
    for (int i = 0; i < N; ++i) {
      const uint64_t bi = b[i];
      uint64_t c = 0;
      for (int j = 0; j < N; ++j) {
        c = uint64_t(acc[i + j]) + uint64_t(a[j]) * bi + (c >> 32);
        acc[i + j] = uint32_t(c);
      }
      for (int j = i + N; (c >>= 32) != 0 && j <= 2 * N; ++j) {
        c += acc[j];
        acc[j] = uint32_t(c);
      }
    }
  }
  // REDC: add multiples of r to clear the low eight limbs, keep the high half.
  for (int i = 0; i < N; ++i) {
    const uint64_t m = uint32_t(acc[i] * kInv);
    uint64_t c = 0;
    for (int j = 0; j < N; ++j) {
      c = uint64_t(acc[i + j]) + m * kP[j] + (c >> 32);
      acc[i + j] = uint32_t(c);
    }
    for (int j = i + N; (c >>= 32) != 0 && j <= 2 * N; ++j) {
      c += acc[j];
      acc[j] = uint32_t(c);
    }
  }
  // The result (acc[8..16]) is below 17 r^2 / 2^256 + r < 6 r: subtract r until canonical.
  uint32_t* res = acc + N;
  while (res[N] != 0 || geq_p(res)) {
    uint64_t borrow = 0;
    for (int i = 0; i < N; ++i) {
      const uint64_t d = uint64_t(res[i]) - kP[i] - borrow;
      res[i] = uint32_t(d);
      borrow = (d >> 32) & 1;
    }
    res[N] -= uint32_t(borrow);
  }
  Fr out;
  std::memcpy(out.l, res, sizeof out.l);
  return out;
}

Fr operator+(const Fr& a, const Fr& b) {
  Fr r;
  uint64_t c = 0;
  for (int i = 0; i < N; ++i) {
    c = uint64_t(a.l[i]) + b.l[i] + (c >> 32);
    r.l[i] = uint32_t(c);
  }
  // Both operands are below r < 2^254, so the sum fits in 256 bits.
  if (geq_p(r.l)) sub_p(r.l);
  return r;
}

Fr operator-(const Fr& a, const Fr& b) {
  Fr r;
  uint64_t borrow = 0;
  for (int i = 0; i < N; ++i) {
    uint64_t d = uint64_t(a.l[i]) - b.l[i] - borrow;
    r.l[i] = uint32_t(d);
    borrow = (d >> 32) & 1;
  }
  if (borrow) {
    uint64_t c = 0;
    for (int i = 0; i < N; ++i) {
      c = uint64_t(r.l[i]) + kP[i] + (c >> 32);
      r.l[i] = uint32_t(c);
    }
  }
  return r;
}

Fr operator*(const Fr& a, const Fr& b) {
  Fr r;
  mont_mul(a.l, b.l, r.l);
  return r;
}

bool operator==(const Fr& a, const Fr& b) { return std::memcmp(a.l, b.l, sizeof a.l) == 0; }

}  // namespace urja
