// Fr arithmetic and Poseidon against the shared circomlib vectors (../shared/vectors).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "urja/fr.hpp"
#include "urja/hex.hpp"
#include "urja/poseidon.hpp"

using urja::Fr;

namespace {

Fr from_hex(const std::string& hex64) {
  uint8_t b[32];
  EXPECT_TRUE(urja::hex_decode(hex64.c_str(), b, 32)) << hex64;
  Fr f;
  EXPECT_TRUE(Fr::from_bytes_be(b, f)) << hex64;
  return f;
}

std::string to_hex(const Fr& f) {
  uint8_t b[32];
  char s[65];
  f.to_bytes_be(b);
  urja::hex_encode(b, 32, s);
  return s;
}

const char* kRMinus1 = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000";

}  // namespace

TEST(Fr, BytesRoundTripAndCanonicalRange) {
  EXPECT_EQ(to_hex(from_hex(kRMinus1)), kRMinus1);
  uint8_t r_bytes[32];
  ASSERT_TRUE(urja::hex_decode(
      "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", r_bytes, 32));
  Fr f = Fr::one();
  EXPECT_FALSE(Fr::from_bytes_be(r_bytes, f)) << "r itself is not a field element";
  EXPECT_EQ(f, Fr::one()) << "rejected input must leave the output untouched";
  uint8_t ff[32];
  std::fill(ff, ff + 32, 0xFF);
  EXPECT_FALSE(Fr::from_bytes_be(ff, f));
}

TEST(Fr, ArithmeticIdentities) {
  const Fr m1 = from_hex(kRMinus1);
  EXPECT_EQ(m1 * m1, Fr::one());  // (-1)^2 = 1
  EXPECT_EQ(m1 + Fr::one(), Fr::zero());
  EXPECT_EQ(Fr::zero() - Fr::one(), m1);
  EXPECT_EQ(Fr::from_u64(6) * Fr::from_u64(7), Fr::from_u64(42));
  EXPECT_EQ(to_hex(Fr::from_u64(0xFFFFFFFFFFFFFFFFull) * Fr::from_u64(0xFFFFFFFFFFFFFFFFull)),
            "00000000000000000000000000000000fffffffffffffffe0000000000000001");
  // Associativity and distributivity on a pseudo-random walk.
  Fr a = from_hex("1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef");
  Fr b = from_hex("0fedcba987654321fedcba987654321fedcba987654321fedcba987654321fed");
  for (int i = 0; i < 200; ++i) {
    const Fr c = a * b + Fr::from_u64(uint64_t(i));
    EXPECT_EQ((a * b) * c, a * (b * c));
    EXPECT_EQ(a * (b + c), a * b + a * c);
    EXPECT_EQ((a - b) + b, a);
    a = b;
    b = c;
  }
}

TEST(Poseidon, RejectsBadArity) {
  Fr in[17] = {};
  Fr out = Fr::one();
  EXPECT_FALSE(urja::poseidon(in, 0, out));
  EXPECT_FALSE(urja::poseidon(in, 17, out));
  EXPECT_EQ(out, Fr::one());
}

TEST(Poseidon, ReproducesSharedVectorsForEveryArity) {
  std::ifstream f(URJA_POSEIDON_VECTORS);
  ASSERT_TRUE(f) << "missing " << URJA_POSEIDON_VECTORS;
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  // The file's layout is fixed (one object per arity); a small scanner avoids a JSON dependency.
  int seen = 0;
  size_t at = 0;
  while ((at = text.find("\"arity\"", at)) != std::string::npos) {
    at = text.find(':', at) + 1;
    const int arity = std::stoi(text.substr(at, 4));
    const size_t open = text.find('[', at), close = text.find(']', open);
    ASSERT_NE(close, std::string::npos);
    Fr in[16];
    int n = 0;
    for (size_t q = text.find('"', open); q < close; q = text.find('"', q + 1)) {
      const size_t q2 = text.find('"', q + 1);
      ASSERT_LT(n, 16);
      in[n++] = Fr::from_u64(std::stoull(text.substr(q + 1, q2 - q - 1)));
      q = q2;
    }
    ASSERT_EQ(n, arity);
    const size_t h = text.find("\"hash_hex\"", close);
    ASSERT_NE(h, std::string::npos);
    const std::string want = text.substr(text.find("0x", h) + 2, 64);
    Fr out;
    ASSERT_TRUE(urja::poseidon(in, size_t(n), out));
    EXPECT_EQ(to_hex(out), want) << "arity " << arity;
    ++seen;
    at = h;
  }
  EXPECT_EQ(seen, 16);
}

TEST(Fr, DotWithOneReductionEqualsSumOfProducts) {
  // Extreme values (r - 1 everywhere) and a pseudo-random walk, for every length 1..17.
  const Fr m1 = from_hex(kRMinus1);
  Fr x[17], y[17];
  Fr::Limbs row[17];
  Fr a = from_hex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  for (int trial = 0; trial < 3; ++trial) {
    for (int k = 0; k < 17; ++k) {
      if (trial == 0) {
        x[k] = y[k] = m1;
      } else {
        a = a * a + Fr::from_u64(uint64_t(k + trial));
        x[k] = a;
        y[k] = a * a + Fr::one();
      }
      std::memcpy(row[k], y[k].l, sizeof row[k]);
    }
    for (size_t n = 1; n <= 17; ++n) {
      Fr want = Fr::zero();
      for (size_t k = 0; k < n; ++k) want = want + y[k] * x[k];
      EXPECT_EQ(Fr::dot(row, x, n), want) << "trial " << trial << " n " << n;
    }
  }
}
