// Commitment, signed message and signature against values computed independently in Python
// (urja.audit.poseidon and PyNaCl) for a fixed seed, readings and salt.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "urja/delivery.hpp"
#include "urja/hex.hpp"

namespace {

const uint16_t kReadings[15] = {0, 1, 17, 250, 1000, 65535, 3, 4, 5, 6, 7, 8, 9, 10, 42};
const char* kC = "0d72cd3f5f9efe51a4eb8d244c7abb9bdadaa4b62ba84942f4da8f00dc90b1b2";
const char* kPk = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const char* kSig =
    "16b185b2310864e491ce563d1e521890c1ac5ec8d491ee7ff758363f990a5f63"
    "0bfd4a6900c0c02a00c7929aa0e9f51ad6dbf8f9350957d84ddd804fd2982b0b";
constexpr uint64_t kSlot = 1234567;

void salt(uint8_t s[32]) {
  s[0] = 0x1f;
  for (int i = 1; i < 32; ++i) s[i] = uint8_t(i);
}

std::string hex(const uint8_t* b, size_t n) {
  char s[257];
  urja::hex_encode(b, n, s);
  return s;
}

class Delivery : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(urja::crypto_init()); }
};

}  // namespace

TEST_F(Delivery, CommitmentMatchesPythonAudit) {
  uint8_t s[32], c[32];
  salt(s);
  ASSERT_TRUE(urja::commitment(kReadings, s, c));
  EXPECT_EQ(hex(c, 32), kC);
  uint16_t changed[15];
  std::memcpy(changed, kReadings, sizeof changed);
  changed[14] = 43;
  ASSERT_TRUE(urja::commitment(changed, s, c));
  EXPECT_NE(hex(c, 32), kC);
}

TEST_F(Delivery, RejectsSaltWithTopBitsSet) {
  uint8_t s[32], c[32] = {};
  salt(s);
  s[0] = 0x20;
  EXPECT_FALSE(urja::salt_is_valid(s));
  EXPECT_FALSE(urja::commitment(kReadings, s, c));
}

TEST_F(Delivery, RandomSaltIsAFieldElement) {
  for (int i = 0; i < 64; ++i) {
    uint8_t s[32];
    urja::random_salt(s);
    EXPECT_TRUE(urja::salt_is_valid(s));
  }
}

TEST_F(Delivery, MessageLayoutIs88Bytes) {
  uint8_t id[32], c[32], msg[urja::kDeliveryMessageLen];
  for (int i = 0; i < 32; ++i) {
    id[i] = uint8_t(0xA0 + i);
    c[i] = uint8_t(i);
  }
  urja::delivery_message(id, 0x0102030405060708ull, c, msg);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(msg), 16), "URJA/delivery/v1");
  EXPECT_EQ(std::memcmp(msg + 16, id, 32), 0);
  EXPECT_EQ(hex(msg + 48, 8), "0102030405060708");
  EXPECT_EQ(std::memcmp(msg + 56, c, 32), 0);
}

TEST_F(Delivery, SignatureMatchesPyNaClAndVerifies) {
  uint8_t seed[32];
  for (int i = 0; i < 32; ++i) seed[i] = uint8_t(i);
  urja::MeterKey key = urja::MeterKey::from_seed(seed);
  EXPECT_EQ(hex(key.public_key, 32), kPk);
  uint8_t s[32], c[32], sig[64];
  salt(s);
  ASSERT_TRUE(urja::commitment(kReadings, s, c));
  urja::sign_delivery(key, kSlot, c, sig);
  EXPECT_EQ(hex(sig, 64), kSig);
  EXPECT_TRUE(urja::verify_delivery(key.public_key, kSlot, c, sig));
  EXPECT_FALSE(urja::verify_delivery(key.public_key, kSlot + 1, c, sig));
  c[0] ^= 1;
  EXPECT_FALSE(urja::verify_delivery(key.public_key, kSlot, c, sig));
  key.wipe();
  for (uint8_t b : key.secret_key) EXPECT_EQ(b, 0);
}
