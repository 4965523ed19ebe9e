// A sealed slot: readings plus salt, commitment and signature — what the meter stores in
// flash and publishes, and the unit the relayer turns into a delivery proof.
#pragma once

#include <cstddef>
#include <cstdint>

#include "urja/delivery.hpp"
#include "urja/energy.hpp"

namespace urja {

/// Everything one meter message carries (docs/formats.md, "Meter message").
struct SlotRecord {
  uint8_t domain[32];  ///< the market domain the slot was signed for
  uint64_t slot;
  uint16_t export_wh[kReadingsPerSlot];
  uint16_t import_wh[kReadingsPerSlot];
  uint8_t salt[32];
  uint8_t commitment[32];
  uint8_t signature[64];
};

/// Size of SlotRecord in its fixed little-endian flash encoding.
constexpr size_t kSlotRecordBytes = 32 + 8 + 2 * 2 * kReadingsPerSlot + 32 + 32 + 64;

/// Draws a fresh salt, commits to the export readings and signs (domain, meter_id, slot, C).
void seal_slot(const SlotReadings& r, const MeterKey& key, const uint8_t domain[32],
               SlotRecord& out);

/// Seals with a caller-chosen salt (tests and reproducible vectors); false if it is invalid.
bool seal_slot_with_salt(const SlotReadings& r, const MeterKey& key, const uint8_t domain[32],
                         const uint8_t salt[32], SlotRecord& out);

/// Fixed-size flash encoding (little-endian integers, byte strings as is).
void encode_slot(const SlotRecord& r, uint8_t out[kSlotRecordBytes]);
/// Inverse of encode_slot.
void decode_slot(const uint8_t in[kSlotRecordBytes], SlotRecord& out);

}  // namespace urja
