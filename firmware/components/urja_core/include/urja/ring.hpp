// Store-and-forward ring of sealed slots in a flash partition.
//
// Why: the meter must not lose a slot when the broker or Wi-Fi is down, nor when power fails
// in the middle of a flash write. Records have a fixed size and place (so a torn record can
// be skipped without knowing its length), carry a sequence number and a CRC-32, and are
// acknowledged in place by clearing one byte. On open, the ring is rebuilt from what is in
// flash: a torn write leaves an invalid record that is skipped, so the ring recovers to the
// last complete record. Before writing, a slot must read back as erased; after writing it
// must read back equal, otherwise the next slot is used.
#pragma once

#include <cstddef>
#include <cstdint>

#include "urja/flash.hpp"
#include "urja/slot.hpp"

namespace urja {

/// Bytes one record occupies in flash (16 per 4 KiB sector).
constexpr size_t kRingRecordSize = 256;

/// Result of a ring operation.
enum class RingError : uint8_t {
  None = 0,
  Empty,          ///< nothing pending
  Io,             ///< flash read/write/erase failed (power loss on the host emulation)
  BadPartition,   ///< partition too small or sector size not a multiple of the record size
  NoCleanSlot,    ///< no writable slot found even after erasing
};

/// Human-readable name of a ring error.
const char* ring_error_name(RingError e);

/// The ring. No heap: state is a few indices; records are streamed from flash.
class SlotRing {
 public:
  /// Binds to a partition; call open() before use.
  explicit SlotRing(FlashPartition& flash);

  /// Rebuilds the state from flash (first boot: an erased or garbage partition is fine).
  RingError open();
  /// Appends a sealed slot. When the ring is full the oldest sector is erased and its
  /// pending records are counted in dropped().
  RingError append(const SlotRecord& r);
  /// The oldest record not yet acknowledged.
  RingError peek(SlotRecord& out);
  /// Marks the oldest pending record as delivered (after the broker's acknowledgement).
  RingError ack();

  /// Records written and not yet acknowledged.
  size_t pending() const { return pending_; }
  /// Pending records lost because the ring was full.
  uint32_t dropped() const { return dropped_; }
  /// Records the ring can always hold pending: all sectors but the one being recycled.
  size_t capacity() const { return (slots_ / per_sector_ - 1) * per_sector_; }

 private:
  struct Header {
    bool valid;
    bool acked;
    uint32_t seq;
  };
  Header inspect(size_t slot, uint8_t* buf);
  bool is_erased(size_t offset, size_t n, uint8_t* buf);
  RingError prepare_sector(size_t sector);
  void find_tail_from(size_t slot);

  FlashPartition& flash_;
  size_t slots_ = 0;
  size_t per_sector_ = 0;
  size_t head_ = 0;       // next slot to write
  size_t tail_ = 0;       // oldest pending (valid when pending_ > 0)
  size_t pending_ = 0;
  uint32_t next_seq_ = 1;
  uint32_t dropped_ = 0;
  bool opened_ = false;
};

}  // namespace urja
