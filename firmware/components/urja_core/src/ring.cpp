#include "urja/ring.hpp"

#include <cstring>

namespace urja {
namespace {

constexpr uint32_t kMagic = 0x314A5255;  // "URJ1" little-endian
constexpr size_t kHeader = 10;           // magic, seq, length
constexpr size_t kCrcAt = kHeader + kSlotRecordBytes;
constexpr size_t kAckAt = kCrcAt + 4;
static_assert(kAckAt < kRingRecordSize, "record does not fit its slot");

uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return ~c;
}

void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

const char* ring_error_name(RingError e) {
  switch (e) {
    case RingError::None: return "ok";
    case RingError::Empty: return "no pending record";
    case RingError::Io: return "flash I/O failed";
    case RingError::BadPartition: return "partition too small or unsuitable sector size";
    case RingError::NoCleanSlot: return "no writable slot";
  }
  return "unknown ring error";
}

SlotRing::SlotRing(FlashPartition& flash) : flash_(flash) {}

SlotRing::Header SlotRing::inspect(size_t slot, uint8_t* buf) {
  Header h{false, false, 0};
  if (!flash_.read(slot * kRingRecordSize, buf, kRingRecordSize)) return h;
  if (get32(buf) != kMagic || (buf[8] | buf[9] << 8) != kSlotRecordBytes) return h;
  if (get32(buf + kCrcAt) != crc32(buf, kCrcAt)) return h;
  h.valid = true;
  h.acked = buf[kAckAt] != 0xFF;  // any cleared bit: the acknowledgement was being written
  h.seq = get32(buf + 4);
  return h;
}

bool SlotRing::is_erased(size_t offset, size_t n, uint8_t* buf) {
  if (!flash_.read(offset, buf, n)) return false;
  for (size_t i = 0; i < n; ++i) {
    if (buf[i] != 0xFF) return false;
  }
  return true;
}

RingError SlotRing::open() {
  opened_ = false;
  const size_t sector = flash_.sector_size();
  if (sector == 0 || sector % kRingRecordSize != 0 || flash_.size() < 2 * sector) {
    return RingError::BadPartition;
  }
  per_sector_ = sector / kRingRecordSize;
  slots_ = (flash_.size() / sector) * per_sector_;
  uint8_t buf[kRingRecordSize];
  bool any = false;
  uint32_t max_seq = 0, min_pending = 0;
  size_t max_at = 0;
  pending_ = 0;
  for (size_t s = 0; s < slots_; ++s) {
    const Header h = inspect(s, buf);
    if (!h.valid) continue;
    if (!any || h.seq > max_seq) {
      max_seq = h.seq;
      max_at = s;
    }
    any = true;
    if (!h.acked) {
      if (pending_ == 0 || h.seq < min_pending) {
        min_pending = h.seq;
        tail_ = s;
      }
      ++pending_;
    }
  }
  head_ = any ? (max_at + 1) % slots_ : 0;
  next_seq_ = any ? max_seq + 1 : 1;
  dropped_ = 0;
  opened_ = true;
  return RingError::None;
}

// Makes sure the sector about to be written is erased; pending records in it are dropped.
RingError SlotRing::prepare_sector(size_t sector) {
  uint8_t buf[kRingRecordSize];
  const size_t base = sector * per_sector_;
  bool clean = true;
  for (size_t i = 0; i < per_sector_ && clean; ++i) {
    clean = is_erased((base + i) * kRingRecordSize, kRingRecordSize, buf);
  }
  if (clean) return RingError::None;
  bool tail_here = false;
  for (size_t i = 0; i < per_sector_; ++i) {
    const Header h = inspect(base + i, buf);
    if (h.valid && !h.acked) {
      ++dropped_;
      --pending_;
      if (base + i == tail_) tail_here = true;
    }
  }
  if (!flash_.erase_sector(sector)) return RingError::Io;
  if (tail_here && pending_ > 0) find_tail_from((base + per_sector_) % slots_);
  return RingError::None;
}

void SlotRing::find_tail_from(size_t slot) {
  uint8_t buf[kRingRecordSize];
  for (size_t i = 0; i < slots_; ++i) {
    const size_t s = (slot + i) % slots_;
    const Header h = inspect(s, buf);
    if (h.valid && !h.acked) {
      tail_ = s;
      return;
    }
  }
  pending_ = 0;  // flash no longer holds what we counted (should not happen)
}

RingError SlotRing::append(const SlotRecord& r) {
  if (!opened_) return RingError::Io;
  uint8_t rec[kRingRecordSize];
  std::memset(rec, 0xFF, sizeof rec);
  put32(rec, kMagic);
  put32(rec + 4, next_seq_);
  rec[8] = uint8_t(kSlotRecordBytes);
  rec[9] = uint8_t(kSlotRecordBytes >> 8);
  encode_slot(r, rec + kHeader);
  put32(rec + kCrcAt, crc32(rec, kCrcAt));

  uint8_t buf[kRingRecordSize];
  for (size_t tries = 0; tries < slots_ + per_sector_; ++tries) {
    if (head_ % per_sector_ == 0) {
      const RingError e = prepare_sector(head_ / per_sector_);
      if (e != RingError::None) return e;
    }
    const size_t slot = head_;
    head_ = (head_ + 1) % slots_;
    if (!is_erased(slot * kRingRecordSize, kRingRecordSize, buf)) continue;  // torn leftovers
    if (!flash_.write(slot * kRingRecordSize, rec, kAckAt)) return RingError::Io;
    const Header h = inspect(slot, buf);
    if (!h.valid || h.seq != next_seq_) continue;  // bad cell: use the next slot
    if (pending_ == 0) tail_ = slot;
    ++pending_;
    ++next_seq_;
    return RingError::None;
  }
  return RingError::NoCleanSlot;
}

RingError SlotRing::peek(SlotRecord& out) {
  if (!opened_) return RingError::Io;
  if (pending_ == 0) return RingError::Empty;
  uint8_t buf[kRingRecordSize];
  const Header h = inspect(tail_, buf);
  if (!h.valid || h.acked) return RingError::Io;
  decode_slot(buf + kHeader, out);
  return RingError::None;
}

RingError SlotRing::ack() {
  if (!opened_) return RingError::Io;
  if (pending_ == 0) return RingError::Empty;
  const uint8_t zero = 0x00;
  if (!flash_.write(tail_ * kRingRecordSize + kAckAt, &zero, 1)) return RingError::Io;
  --pending_;
  if (pending_ > 0) find_tail_from((tail_ + 1) % slots_);
  return RingError::None;
}

}  // namespace urja
