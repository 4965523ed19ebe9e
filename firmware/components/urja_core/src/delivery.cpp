#include "urja/delivery.hpp"

#include <sodium.h>

#include <cstring>

#include "urja/fr.hpp"
#include "urja/poseidon.hpp"

namespace urja {

bool crypto_init() { return sodium_init() >= 0; }

MeterKey MeterKey::from_seed(const uint8_t seed[32]) {
  MeterKey k;
  crypto_sign_seed_keypair(k.public_key, k.secret_key, seed);
  return k;
}

void MeterKey::wipe() { sodium_memzero(secret_key, sizeof secret_key); }

void random_salt(uint8_t salt[32]) {
  randombytes_buf(salt, 32);
  salt[0] &= 0x1F;
}

bool salt_is_valid(const uint8_t salt[32]) { return (salt[0] & 0xE0) == 0; }

bool commitment(const uint16_t readings[kReadingsPerSlot], const uint8_t salt[32],
                uint8_t out[32]) {
  if (!salt_is_valid(salt)) return false;
  Fr in[kReadingsPerSlot + 1];
  for (size_t i = 0; i < kReadingsPerSlot; ++i) in[i] = Fr::from_u64(readings[i]);
  if (!Fr::from_bytes_be(salt, in[kReadingsPerSlot])) return false;
  Fr c;
  poseidon(in, kReadingsPerSlot + 1, c);
  c.to_bytes_be(out);
  return true;
}

bool market_domain(const char* passphrase, const char* market, uint8_t out[32]) {
  if (passphrase == nullptr || market == nullptr) return false;
  if (std::strlen(market) != kMarketAddressLen || market[0] != 'C') return false;
  uint8_t network_id[32];
  crypto_hash_sha256(network_id, reinterpret_cast<const uint8_t*>(passphrase),
                     std::strlen(passphrase));
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const uint8_t*>(kDomainTag),
                            sizeof kDomainTag - 1);
  crypto_hash_sha256_update(&st, network_id, sizeof network_id);
  crypto_hash_sha256_update(&st, reinterpret_cast<const uint8_t*>(market), kMarketAddressLen);
  crypto_hash_sha256_final(&st, out);
  return true;
}

void delivery_message(const uint8_t domain[32], const uint8_t meter_id[32], uint64_t slot,
                      const uint8_t c[32], uint8_t out[kDeliveryMessageLen]) {
  static_assert(sizeof kDeliveryTag - 1 == 16, "the tag is 16 bytes");
  std::memcpy(out, kDeliveryTag, 16);
  std::memcpy(out + 16, domain, 32);
  std::memcpy(out + 48, meter_id, 32);
  for (int i = 0; i < 8; ++i) out[80 + i] = uint8_t(slot >> (56 - 8 * i));
  std::memcpy(out + 88, c, 32);
}

void sign_delivery(const MeterKey& key, const uint8_t domain[32], uint64_t slot,
                   const uint8_t c[32], uint8_t sig[64]) {
  uint8_t msg[kDeliveryMessageLen];
  delivery_message(domain, key.public_key, slot, c, msg);
  crypto_sign_detached(sig, nullptr, msg, sizeof msg, key.secret_key);
}

bool verify_delivery(const uint8_t domain[32], const uint8_t meter_id[32], uint64_t slot,
                     const uint8_t c[32], const uint8_t sig[64]) {
  uint8_t msg[kDeliveryMessageLen];
  delivery_message(domain, meter_id, slot, c, msg);
  return crypto_sign_verify_detached(sig, msg, sizeof msg, meter_id) == 0;
}

}  // namespace urja
