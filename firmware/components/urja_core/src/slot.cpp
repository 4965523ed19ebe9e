#include "urja/slot.hpp"

#include <cstring>

namespace urja {

bool seal_slot_with_salt(const SlotReadings& r, const MeterKey& key, const uint8_t domain[32],
                         const uint8_t salt[32], SlotRecord& out) {
  if (!salt_is_valid(salt)) return false;
  std::memcpy(out.domain, domain, 32);
  out.slot = r.slot;
  std::memcpy(out.export_wh, r.export_wh, sizeof out.export_wh);
  std::memcpy(out.import_wh, r.import_wh, sizeof out.import_wh);
  std::memcpy(out.salt, salt, 32);
  commitment(out.export_wh, out.salt, out.commitment);
  sign_delivery(key, out.domain, out.slot, out.commitment, out.signature);
  return true;
}

void seal_slot(const SlotReadings& r, const MeterKey& key, const uint8_t domain[32],
               SlotRecord& out) {
  uint8_t salt[32];
  random_salt(salt);
  seal_slot_with_salt(r, key, domain, salt, out);
}

void encode_slot(const SlotRecord& r, uint8_t out[kSlotRecordBytes]) {
  uint8_t* p = out;
  std::memcpy(p, r.domain, 32);
  p += 32;
  for (int i = 0; i < 8; ++i) *p++ = uint8_t(r.slot >> (8 * i));
  for (uint16_t v : r.export_wh) { *p++ = uint8_t(v); *p++ = uint8_t(v >> 8); }
  for (uint16_t v : r.import_wh) { *p++ = uint8_t(v); *p++ = uint8_t(v >> 8); }
  std::memcpy(p, r.salt, 32);
  std::memcpy(p + 32, r.commitment, 32);
  std::memcpy(p + 64, r.signature, 64);
}

void decode_slot(const uint8_t in[kSlotRecordBytes], SlotRecord& out) {
  const uint8_t* p = in;
  std::memcpy(out.domain, p, 32);
  p += 32;
  out.slot = 0;
  for (int i = 0; i < 8; ++i) out.slot |= uint64_t(*p++) << (8 * i);
  for (uint16_t& v : out.export_wh) { v = uint16_t(p[0] | p[1] << 8); p += 2; }
  for (uint16_t& v : out.import_wh) { v = uint16_t(p[0] | p[1] << 8); p += 2; }
  std::memcpy(out.salt, p, 32);
  std::memcpy(out.commitment, p + 32, 32);
  std::memcpy(out.signature, p + 64, 64);
}

}  // namespace urja
