// Commitment, signed message, market domain, signature and payload against values computed
// independently in Python (urja.audit.poseidon, hashlib and PyNaCl): fixed values here and
// the shared vectors of docs/vectors/delivery.json.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "urja/delivery.hpp"
#include "urja/hex.hpp"
#include "urja/payload.hpp"
#include "urja/slot.hpp"
#include "vectors.hpp"

namespace {

const uint16_t kReadings[15] = {0, 1, 17, 250, 1000, 65535, 3, 4, 5, 6, 7, 8, 9, 10, 42};
const char* kC = "0d72cd3f5f9efe51a4eb8d244c7abb9bdadaa4b62ba84942f4da8f00dc90b1b2";
const char* kPk = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
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

TEST_F(Delivery, MessageLayoutIs120Bytes) {
  uint8_t dom[32], id[32], c[32], msg[urja::kDeliveryMessageLen];
  for (int i = 0; i < 32; ++i) {
    dom[i] = uint8_t(0xD0 ^ i);
    id[i] = uint8_t(0xA0 + i);
    c[i] = uint8_t(i);
  }
  static_assert(urja::kDeliveryMessageLen == 120, "16 + 32 + 32 + 8 + 32");
  urja::delivery_message(dom, id, 0x0102030405060708ull, c, msg);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(msg), 16), "URJA/delivery/v2");
  EXPECT_EQ(std::memcmp(msg + 16, dom, 32), 0);
  EXPECT_EQ(std::memcmp(msg + 48, id, 32), 0);
  EXPECT_EQ(hex(msg + 80, 8), "0102030405060708");
  EXPECT_EQ(std::memcmp(msg + 88, c, 32), 0);
}

// The shared vectors (tools/gen_vectors.py): domain from passphrase and market address,
// commitment, the 120 signed bytes, the signature and the MQTT payload, for the vector's
// market and for another market and another network.
TEST_F(Delivery, ReproducesTheSharedVectors) {
  using urja::test::vector_field;
  for (const char* sec : {"delivery", "other_market", "other_network"}) {
    SCOPED_TRACE(sec);
    uint8_t dom[32];
    ASSERT_TRUE(urja::market_domain(vector_field(sec, "passphrase").c_str(),
                                    vector_field(sec, "market").c_str(), dom));
    EXPECT_EQ(hex(dom, 32), vector_field(sec, "domain"));
    uint8_t seed[32];
    ASSERT_TRUE(urja::hex_decode(vector_field(sec, "meter_seed").c_str(), seed, 32));
    const urja::MeterKey key = urja::MeterKey::from_seed(seed);
    EXPECT_EQ(hex(key.public_key, 32), vector_field(sec, "meter"));
    urja::SlotReadings r{};
    r.slot = std::stoull(vector_field(sec, "slot"));
    const auto ex = urja::test::vector_ints(sec, "export_wh");
    const auto im = urja::test::vector_ints(sec, "import_wh");
    ASSERT_EQ(ex.size(), 15u);
    ASSERT_EQ(im.size(), 15u);
    for (size_t i = 0; i < 15; ++i) {
      r.export_wh[i] = uint16_t(ex[i]);
      r.import_wh[i] = uint16_t(im[i]);
    }
    uint8_t salt[32];
    ASSERT_TRUE(urja::hex_decode(vector_field(sec, "salt").c_str(), salt, 32));
    urja::SlotRecord rec;
    ASSERT_TRUE(urja::seal_slot_with_salt(r, key, dom, salt, rec));
    EXPECT_EQ(hex(rec.commitment, 32), vector_field(sec, "commitment"));
    uint8_t msg[urja::kDeliveryMessageLen];
    urja::delivery_message(dom, key.public_key, r.slot, rec.commitment, msg);
    EXPECT_EQ(hex(msg, 64) + hex(msg + 64, 56), vector_field(sec, "message"));
    EXPECT_EQ(hex(rec.signature, 64), vector_field(sec, "signature"));
    char buf[urja::kPayloadMax];
    const size_t n = urja::format_payload(rec, key.public_key, buf, sizeof buf);
    EXPECT_EQ(std::string(buf, n), vector_field(sec, "payload"));
  }
}

TEST_F(Delivery, SignatureIsBoundToTheDomain) {
  uint8_t seed[32];
  for (int i = 0; i < 32; ++i) seed[i] = uint8_t(i);
  urja::MeterKey key = urja::MeterKey::from_seed(seed);
  EXPECT_EQ(hex(key.public_key, 32), kPk);
  uint8_t s[32], c[32], sig[64], dom[32], other[32];
  ASSERT_TRUE(urja::hex_decode(urja::test::vector_field("delivery", "domain").c_str(), dom, 32));
  ASSERT_TRUE(
      urja::hex_decode(urja::test::vector_field("other_market", "domain").c_str(), other, 32));
  salt(s);
  ASSERT_TRUE(urja::commitment(kReadings, s, c));
  urja::sign_delivery(key, dom, kSlot, c, sig);
  EXPECT_TRUE(urja::verify_delivery(dom, key.public_key, kSlot, c, sig));
  EXPECT_FALSE(urja::verify_delivery(other, key.public_key, kSlot, c, sig));
  EXPECT_FALSE(urja::verify_delivery(dom, key.public_key, kSlot + 1, c, sig));
  c[0] ^= 1;
  EXPECT_FALSE(urja::verify_delivery(dom, key.public_key, kSlot, c, sig));
  key.wipe();
  for (uint8_t b : key.secret_key) EXPECT_EQ(b, 0);
}

TEST_F(Delivery, MarketDomainRefusesAnAddressThatIsNotAContract) {
  uint8_t out[32] = {};
  const std::string g(56, 'G');
  EXPECT_FALSE(urja::market_domain("Test SDF Network ; September 2015", g.c_str(), out));
  const std::string short_c = "C" + std::string(54, 'A');
  EXPECT_FALSE(urja::market_domain("Test SDF Network ; September 2015", short_c.c_str(), out));
  EXPECT_FALSE(urja::market_domain(nullptr, ("C" + std::string(55, 'A')).c_str(), out));
  for (uint8_t b : out) EXPECT_EQ(b, 0);
}
