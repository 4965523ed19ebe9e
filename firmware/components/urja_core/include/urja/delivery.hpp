// The meter's side of a delivery: commitment, the 120 signed bytes and the ed25519 signature,
// exactly as docs/formats.md lays them out. Every signature is bound to one market on one
// network through the 32-byte market domain the meter is provisioned with.
//
// Why: the relayer and market.deliver accept a slot only if C and the signature are
// bit-for-bit what they recompute; keeping the layout in one small module makes that testable.
#pragma once

#include <cstddef>
#include <cstdint>

namespace urja {

/// Readings per slot (N = 15, one per slot_secs / 15 seconds).
constexpr size_t kReadingsPerSlot = 15;
/// Length of the signed delivery message.
constexpr size_t kDeliveryMessageLen = 120;
/// Tag that starts the signed message (16 ASCII bytes).
constexpr char kDeliveryTag[] = "URJA/delivery/v2";
/// Tag that starts the market domain's preimage (14 ASCII bytes).
constexpr char kDomainTag[] = "URJA/domain/v1";
/// Length of a market contract's strkey address ("C...").
constexpr size_t kMarketAddressLen = 56;

/// An ed25519 key pair of a meter (libsodium layout: secret = seed || public).
struct MeterKey {
  uint8_t public_key[32];
  uint8_t secret_key[64];

  /// Derives the key pair from a 32-byte seed (what the device keeps in encrypted NVS).
  static MeterKey from_seed(const uint8_t seed[32]);
  /// Wipes the secret half.
  void wipe();
};

/// Draws a salt: 32 random bytes with the top 3 bits of byte 0 cleared (so it is below r).
void random_salt(uint8_t salt[32]);

/// True if the salt is a valid field element as the formats require (top 3 bits clear).
bool salt_is_valid(const uint8_t salt[32]);

/// C = Poseidon(r_1..r_15, salt) as 32 big-endian bytes; false if the salt is invalid.
bool commitment(const uint16_t readings[kReadingsPerSlot], const uint8_t salt[32],
                uint8_t out[32]);

/// The market domain SHA-256("URJA/domain/v1" || SHA-256(passphrase) || market), for the
/// market contract `market` (56-character "C..." strkey) on the network with that
/// passphrase. False (and `out` untouched) if `market` is not 56 characters starting with
/// 'C'. Provisioning tools and the simulator use it; the device is given the 32 bytes.
bool market_domain(const char* passphrase, const char* market, uint8_t out[32]);

/// msg = "URJA/delivery/v2" || domain || meter_id || slot (u64 BE) || C.
void delivery_message(const uint8_t domain[32], const uint8_t meter_id[32], uint64_t slot,
                      const uint8_t c[32], uint8_t out[kDeliveryMessageLen]);

/// The 64-byte detached ed25519 signature over delivery_message(...).
void sign_delivery(const MeterKey& key, const uint8_t domain[32], uint64_t slot,
                   const uint8_t c[32], uint8_t sig[64]);

/// Checks a delivery signature (what the relayer does, here for tests and the simulator).
bool verify_delivery(const uint8_t domain[32], const uint8_t meter_id[32], uint64_t slot,
                     const uint8_t c[32], const uint8_t sig[64]);

/// Initialises libsodium once; false if it cannot (no entropy source).
bool crypto_init();

}  // namespace urja
