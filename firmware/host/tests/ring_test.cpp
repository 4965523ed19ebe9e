// Flash ring: order, acknowledgement, capacity of a week of slots, overflow, persistence
// through a partition file, and recovery from power loss at every byte of a record write,
// of an acknowledgement and of a sector erase.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "emulated_flash.hpp"
#include "urja/ring.hpp"

using urja::RingError;
using urja::SlotRecord;
using urja::SlotRing;
using urja::host::EmulatedFlash;

namespace {

constexpr size_t kPartition = 48 * 4096;  // the size in firmware/partitions.csv

SlotRecord rec(uint64_t slot) {
  SlotRecord r{};
  r.slot = slot;
  for (size_t i = 0; i < urja::kReadingsPerSlot; ++i) {
    r.export_wh[i] = uint16_t(slot * 7 + i);
    r.import_wh[i] = uint16_t(slot * 3 + i);
  }
  for (int i = 0; i < 32; ++i) r.salt[i] = r.commitment[i] = uint8_t(slot + i);
  for (int i = 0; i < 64; ++i) r.signature[i] = uint8_t(slot * 5 + i);
  return r;
}

bool same(const SlotRecord& a, const SlotRecord& b) {
  uint8_t x[urja::kSlotRecordBytes], y[urja::kSlotRecordBytes];
  urja::encode_slot(a, x);
  urja::encode_slot(b, y);
  return std::equal(x, x + sizeof x, y);
}

// Drains the ring through peek/ack and returns the slots in delivery order.
std::vector<uint64_t> drain(SlotRing& ring) {
  std::vector<uint64_t> out;
  SlotRecord r;
  while (ring.peek(r) == RingError::None) {
    EXPECT_TRUE(same(r, rec(r.slot))) << "record " << r.slot << " corrupted";
    out.push_back(r.slot);
    EXPECT_EQ(ring.ack(), RingError::None);
  }
  return out;
}

// Pending slots without consuming them (a copy of the partition is drained).
std::vector<uint64_t> pending_of(EmulatedFlash& flash) {
  EmulatedFlash copy(flash.size());
  copy.bytes() = flash.bytes();
  SlotRing ring(copy);
  EXPECT_EQ(ring.open(), RingError::None);
  return drain(ring);
}

std::vector<uint64_t> range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> v;
  for (uint64_t s = from; s <= to; ++s) v.push_back(s);
  return v;
}

}  // namespace

TEST(Ring, DeliversInOrderAndAcknowledgesInPlace) {
  EmulatedFlash flash(kPartition);
  SlotRing ring(flash);
  ASSERT_EQ(ring.open(), RingError::None);
  SlotRecord r;
  EXPECT_EQ(ring.peek(r), RingError::Empty);
  EXPECT_EQ(ring.ack(), RingError::Empty);
  for (uint64_t s = 1; s <= 5; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
  ASSERT_EQ(ring.peek(r), RingError::None);
  EXPECT_EQ(r.slot, 1u);
  ASSERT_EQ(ring.ack(), RingError::None);
  ASSERT_EQ(ring.ack(), RingError::None);
  SlotRing again(flash);  // reboot: acknowledged records stay acknowledged
  ASSERT_EQ(again.open(), RingError::None);
  EXPECT_EQ(again.pending(), 3u);
  EXPECT_EQ(drain(again), range(3, 5));
}

TEST(Ring, HoldsAWeekOfSlotsAndDropsOldestWhenFull) {
  EmulatedFlash flash(kPartition);
  SlotRing ring(flash);
  ASSERT_EQ(ring.open(), RingError::None);
  const size_t week = 7 * 96;
  ASSERT_GE(ring.capacity(), week);
  for (uint64_t s = 1; s <= week; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
  EXPECT_EQ(ring.dropped(), 0u);
  EXPECT_EQ(pending_of(flash), range(1, week));
  // Keep appending without acknowledgement: the ring wraps and the oldest sector goes.
  for (uint64_t s = week + 1; s <= 1000; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
  EXPECT_GT(ring.dropped(), 0u);
  const auto left = pending_of(flash);
  ASSERT_FALSE(left.empty());
  EXPECT_EQ(left.back(), 1000u);
  EXPECT_EQ(left, range(left.front(), 1000));
  EXPECT_EQ(left.size() + ring.dropped(), 1000u);
  EXPECT_GE(left.size(), ring.capacity());
  EXPECT_EQ(drain(ring), left);
}

TEST(Ring, WrapsManyTimesWithAcknowledgement) {
  EmulatedFlash flash(4 * 4096);
  SlotRing ring(flash);
  ASSERT_EQ(ring.open(), RingError::None);
  uint64_t next = 1, expect = 1;
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 7; ++i) ASSERT_EQ(ring.append(rec(next++)), RingError::None);
    SlotRecord r;
    for (int i = 0; i < 7; ++i) {
      ASSERT_EQ(ring.peek(r), RingError::None);
      ASSERT_EQ(r.slot, expect++);
      ASSERT_EQ(ring.ack(), RingError::None);
    }
    if (round % 5 == 0) {
      ASSERT_EQ(ring.open(), RingError::None);  // reboot now and then
    }
  }
  EXPECT_EQ(ring.dropped(), 0u);
}

TEST(Ring, TornRecordWriteAtEveryByteRecoversToLastCompleteRecord) {
  // Start close to a sector boundary so some torn writes are the first in a fresh sector.
  for (uint64_t before : {3u, 16u, 17u}) {
    for (size_t cut = 0; cut <= urja::kRingRecordSize; ++cut) {
      EmulatedFlash flash(8 * 4096);
      {
        SlotRing ring(flash);
        ASSERT_EQ(ring.open(), RingError::None);
        for (uint64_t s = 1; s <= before; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
        ASSERT_EQ(ring.ack(), RingError::None);  // slot 1 delivered
        flash.cut_power_after(cut);
        const RingError e = ring.append(rec(100));
        flash.power_on();
        const bool complete = e == RingError::None;
        auto want = range(2, before);
        if (complete) want.push_back(100);
        SlotRing rebooted(flash);
        ASSERT_EQ(rebooted.open(), RingError::None);
        ASSERT_EQ(pending_of(flash), want) << "before " << before << " cut " << cut;
        // The ring keeps working after the torn write and never returns the torn record.
        ASSERT_EQ(rebooted.append(rec(200)), RingError::None);
        want.push_back(200);
        ASSERT_EQ(pending_of(flash), want) << "before " << before << " cut " << cut;
        SlotRing third(flash);
        ASSERT_EQ(third.open(), RingError::None);
        EXPECT_EQ(drain(third), want);
      }
    }
  }
}

TEST(Ring, TornAcknowledgementLeavesRecordPendingOrAcknowledged) {
  for (size_t cut = 0; cut <= 1; ++cut) {
    EmulatedFlash flash(kPartition);
    SlotRing ring(flash);
    ASSERT_EQ(ring.open(), RingError::None);
    for (uint64_t s = 1; s <= 3; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
    flash.cut_power_after(cut);
    ring.ack();
    flash.power_on();
    EXPECT_EQ(pending_of(flash), cut ? range(2, 3) : range(1, 3));
  }
}

TEST(Ring, TornSectorEraseRecovers) {
  // Fill a 4-sector ring so the next append must erase sector 0, and cut the erase.
  for (size_t cut = 0; cut <= 4096; cut += (cut < 300 || cut > 3800) ? 1 : 97) {
    EmulatedFlash flash(4 * 4096);
    SlotRing ring(flash);
    ASSERT_EQ(ring.open(), RingError::None);
    for (uint64_t s = 1; s <= 64; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
    for (int i = 0; i < 20; ++i) ASSERT_EQ(ring.ack(), RingError::None);  // 1..20 delivered
    flash.cut_power_after(cut);
    EXPECT_NE(ring.append(rec(65)), RingError::None);
    flash.power_on();
    SlotRing rebooted(flash);
    ASSERT_EQ(rebooted.open(), RingError::None);
    ASSERT_EQ(rebooted.append(rec(65)), RingError::None);
    const auto got = pending_of(flash);
    ASSERT_FALSE(got.empty());
    // Never an acknowledged slot again, never out of order, the new record last.
    EXPECT_GE(got.front(), 21u) << cut;
    EXPECT_EQ(got, range(got.front(), 65)) << cut;
  }
}

TEST(Ring, PersistsThroughThePartitionFile) {
  const std::string path = ::testing::TempDir() + "urja_ring_test.bin";
  std::remove(path.c_str());
  {
    EmulatedFlash flash(kPartition, 4096, path);
    SlotRing ring(flash);
    ASSERT_EQ(ring.open(), RingError::None);
    for (uint64_t s = 10; s < 30; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
    ASSERT_EQ(ring.ack(), RingError::None);
  }
  EmulatedFlash flash(kPartition, 4096, path);
  SlotRing ring(flash);
  ASSERT_EQ(ring.open(), RingError::None);
  EXPECT_EQ(drain(ring), range(11, 29));
  EXPECT_THROW(EmulatedFlash(2 * 4096, 4096, path), std::runtime_error);
  std::remove(path.c_str());
}

TEST(Ring, RejectsUnusablePartitions) {
  EmulatedFlash one(4096);
  SlotRing ring(one);
  EXPECT_EQ(ring.open(), RingError::BadPartition);
  EXPECT_EQ(ring.append(rec(1)), RingError::Io);
  EmulatedFlash odd(3 * 1000, 1000);
  SlotRing ring2(odd);
  EXPECT_EQ(ring2.open(), RingError::BadPartition);
  EXPECT_STREQ(urja::ring_error_name(RingError::Io), "flash I/O failed");
}

TEST(Ring, GarbagePartitionOnFirstBootIsUsable) {
  EmulatedFlash flash(8 * 4096);
  for (size_t i = 0; i < flash.size(); ++i) flash.bytes()[i] = uint8_t(i * 31 + 7);
  SlotRing ring(flash);
  ASSERT_EQ(ring.open(), RingError::None);
  EXPECT_EQ(ring.pending(), 0u);
  for (uint64_t s = 1; s <= 40; ++s) ASSERT_EQ(ring.append(rec(s)), RingError::None);
  EXPECT_EQ(pending_of(flash), range(1, 40));
}
