// Slot sealing, flash encoding and the MQTT topic/JSON payload layout.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "urja/hex.hpp"
#include "urja/payload.hpp"
#include "urja/slot.hpp"

namespace {

urja::MeterKey key() {
  uint8_t seed[32];
  for (int i = 0; i < 32; ++i) seed[i] = uint8_t(i);
  return urja::MeterKey::from_seed(seed);
}

// The domain of the shared vectors' market (docs/vectors/delivery.json, "delivery").
const char* kDomain = "985b483bb75e357634a28a9da6788312747666783dd37eb335275edc964df1b1";

void domain(uint8_t d[32]) { ASSERT_TRUE(urja::hex_decode(kDomain, d, 32)); }

urja::SlotRecord sealed() {
  urja::SlotReadings r{};
  r.slot = 1234567;
  const uint16_t ex[15] = {0, 1, 17, 250, 1000, 65535, 3, 4, 5, 6, 7, 8, 9, 10, 42};
  std::memcpy(r.export_wh, ex, sizeof ex);
  for (int i = 0; i < 15; ++i) r.import_wh[i] = uint16_t(i * 2);
  uint8_t salt[32];
  salt[0] = 0x1f;
  for (int i = 1; i < 32; ++i) salt[i] = uint8_t(i);
  uint8_t d[32];
  domain(d);
  urja::SlotRecord out;
  EXPECT_TRUE(urja::seal_slot_with_salt(r, key(), d, salt, out));
  return out;
}

}  // namespace

TEST(Payload, JsonMatchesFormatsDoc) {
  ASSERT_TRUE(urja::crypto_init());
  const urja::SlotRecord rec = sealed();
  char buf[urja::kPayloadMax];
  const urja::MeterKey k = key();
  const size_t n = urja::format_payload(rec, k.public_key, buf, sizeof buf);
  ASSERT_GT(n, 0u);
  EXPECT_EQ(std::string(buf, n),
            "{\"v\":2,\"domain\":"
            "\"985b483bb75e357634a28a9da6788312747666783dd37eb335275edc964df1b1\","
            "\"meter\":\"03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8\","
            "\"slot\":1234567,\"export_wh\":[0,1,17,250,1000,65535,3,4,5,6,7,8,9,10,42],"
            "\"import_wh\":[0,2,4,6,8,10,12,14,16,18,20,22,24,26,28],"
            "\"salt\":\"1f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\","
            "\"commitment\":\"0d72cd3f5f9efe51a4eb8d244c7abb9bdadaa4b62ba84942f4da8f00dc90b1b2\","
            "\"signature\":\"df21a0a3ebe86f92c26e704bce5725354ebfad171cb9e605515e3e3519a3b8ae"
            "314b71c2673a31fd78b3b804d9305ee88e5b8902b68aae9f7bfb350068254f03\"}");
  // Every truncated buffer is refused instead of emitting a cut JSON document.
  for (size_t cap = 0; cap <= n; ++cap) {
    EXPECT_EQ(urja::format_payload(rec, k.public_key, buf, cap), 0u) << cap;
  }
}

TEST(Payload, TopicAndCommunityValidation) {
  const urja::MeterKey k = key();
  char t[urja::kTopicMax];
  const size_t n = urja::format_topic("village-1", k.public_key, t, sizeof t);
  EXPECT_EQ(std::string(t, n),
            "urja/village-1/meter/03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8/slot");
  for (const char* bad : std::initializer_list<const char*>{"", "a/b", "a+b", "#", "with space", nullptr}) {
    EXPECT_EQ(urja::format_topic(bad, k.public_key, t, sizeof t), 0u) << (bad ? bad : "null");
  }
  EXPECT_EQ(urja::format_topic(std::string(65, 'a').c_str(), k.public_key, t, sizeof t), 0u);
  EXPECT_EQ(urja::format_topic("ok", k.public_key, t, 20), 0u);
}

TEST(Payload, FlashEncodingRoundTrips) {
  ASSERT_TRUE(urja::crypto_init());
  const urja::SlotRecord rec = sealed();
  uint8_t bytes[urja::kSlotRecordBytes];
  urja::encode_slot(rec, bytes);
  urja::SlotRecord back;
  urja::decode_slot(bytes, back);
  EXPECT_EQ(std::memcmp(back.domain, rec.domain, 32), 0);
  EXPECT_EQ(back.slot, rec.slot);
  EXPECT_EQ(std::memcmp(back.export_wh, rec.export_wh, sizeof rec.export_wh), 0);
  EXPECT_EQ(std::memcmp(back.import_wh, rec.import_wh, sizeof rec.import_wh), 0);
  EXPECT_EQ(std::memcmp(back.salt, rec.salt, 32), 0);
  EXPECT_EQ(std::memcmp(back.commitment, rec.commitment, 32), 0);
  EXPECT_EQ(std::memcmp(back.signature, rec.signature, 64), 0);
  EXPECT_EQ(std::memcmp(bytes, rec.domain, 32), 0);  // the domain first
  EXPECT_EQ(bytes[32], 1234567 & 0xFF);              // then the little-endian slot
}

TEST(Payload, SealRejectsInvalidSaltAndRandomSealVerifies) {
  ASSERT_TRUE(urja::crypto_init());
  urja::SlotReadings r{};
  r.slot = 7;
  uint8_t salt[32] = {0xE0}, d[32];
  domain(d);
  urja::SlotRecord out;
  EXPECT_FALSE(urja::seal_slot_with_salt(r, key(), d, salt, out));
  urja::seal_slot(r, key(), d, out);
  EXPECT_TRUE(urja::salt_is_valid(out.salt));
  EXPECT_EQ(std::memcmp(out.domain, d, 32), 0);
  EXPECT_TRUE(urja::verify_delivery(d, key().public_key, 7, out.commitment, out.signature));
}
