// Energy integration: alignment to wall-clock slots, export/import split, carry of Wh
// fractions, dropouts, gaps, monotonic counter wrap and clock steps.
#include <gtest/gtest.h>

#include <vector>

#include "urja/energy.hpp"

using urja::EnergyConfig;
using urja::EnergyIntegrator;
using urja::PowerSample;
using urja::SlotReadings;

namespace {

constexpr int64_t kSlot0 = 1900000;  // an arbitrary slot index
constexpr int64_t kSlotMs = 900000;

// Drives an integrator with one sample per second; power(t_ms) gives the sample.
struct Driver {
  EnergyIntegrator in{EnergyConfig{}};
  uint32_t mono;
  std::vector<SlotReadings> out;
  explicit Driver(uint32_t mono0 = 5000, EnergyConfig cfg = EnergyConfig{}) : in(cfg), mono(mono0) {}
  template <typename F>
  void run(int64_t from_ms, int64_t to_ms, int64_t step_ms, F power) {
    for (int64_t t = from_ms; t <= to_ms; t += step_ms) {
      SlotReadings r;
      if (in.feed(mono, t, power(t), r)) out.push_back(r);
      mono += uint32_t(step_ms);
    }
  }
};

PowerSample w(int32_t watts) { return PowerSample{true, watts * 1000}; }

uint32_t sum(const uint16_t* v) {
  uint32_t s = 0;
  for (size_t i = 0; i < urja::kReadingsPerSlot; ++i) s += v[i];
  return s;
}

}  // namespace

TEST(Energy, ConstantExportFillsAlignedMinutes) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  d.run(start, start + kSlotMs, 1000, [](int64_t) { return w(3600); });
  ASSERT_EQ(d.out.size(), 1u);
  const SlotReadings& r = d.out[0];
  EXPECT_EQ(r.slot, uint64_t(kSlot0));
  // The sample at the next slot's start closes the last interval of this one.
  for (int i = 0; i < 15; ++i) EXPECT_EQ(r.export_wh[i], 60) << i;
  EXPECT_EQ(sum(r.import_wh), 0u);
  EXPECT_EQ(r.missing_ms, 0u);
  EXPECT_FALSE(r.clamped);
}

TEST(Energy, NegativePowerIsImportAndSignsSplit) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  // Export 7200 W for the first half of every minute, import 3600 W for the second half.
  d.run(start - 1000, start + kSlotMs, 1000, [&](int64_t t) {
    return ((t - start) % 60000 == 0 || (t - start) % 60000 > 30000) ? w(-3600) : w(7200);
  });
  ASSERT_EQ(d.out.size(), 2u);  // the slot before (one second) and the full slot
  const SlotReadings& r = d.out[1];
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(r.export_wh[i], 60) << i;  // 30 s at 7200 W
    EXPECT_EQ(r.import_wh[i], 30) << i;  // 30 s at 3600 W
  }
  EXPECT_EQ(r.missing_ms, 0u);
}

TEST(Energy, FractionsCarryAcrossReadingsAndSlots) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  d.run(start - 1000, start + 8 * kSlotMs, 1000, [](int64_t) { return w(1); });
  ASSERT_EQ(d.out.size(), 9u);
  uint32_t total = 0;
  for (const auto& r : d.out) total += sum(r.export_wh);
  EXPECT_EQ(total, 2u);  // 1 W for 2 h = 2 Wh, none lost to per-minute truncation
}

TEST(Energy, DropoutsAddNoEnergyAndAreCounted) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  d.run(start - 1000, start + kSlotMs, 1000, [&](int64_t t) {
    const int64_t s = (t - start) / 1000;
    return (s > 60 && s <= 90) ? PowerSample{false, 0} : w(3600);
  });
  const SlotReadings& r = d.out.back();
  EXPECT_EQ(r.export_wh[1], 30);  // seconds 61..90 of the slot were dropouts
  EXPECT_EQ(r.missing_ms, 30000u);
  EXPECT_EQ(sum(r.export_wh), 870u);
}

TEST(Energy, LongGapIsADropoutNotAnExtrapolation) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  std::vector<SlotReadings> out;
  SlotReadings r;
  uint32_t mono = 100;
  auto feed = [&](int64_t t, int32_t watts) {
    if (d.in.feed(mono + uint32_t(t - start + 1000), t, w(watts), r)) out.push_back(r);
  };
  feed(start - 1000, 3600);
  for (int64_t t = start; t <= start + 120000; t += 1000) feed(t, 3600);
  feed(start + 600000, 3600);  // 8 minutes later: the gap contributes nothing
  feed(start + kSlotMs, 3600);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(sum(out[1].export_wh), 120u);
  EXPECT_EQ(out[1].missing_ms, uint32_t(kSlotMs - 120000));
}

TEST(Energy, MonotonicCounterWrapIsHarmless) {
  Driver wrap(0xFFFFFFFFu - 300000);  // wraps five minutes in
  Driver plain(1000);
  const int64_t start = kSlot0 * kSlotMs;
  auto p = [](int64_t t) { return w(int32_t(1000 + (t / 1000) % 500)); };
  wrap.run(start - 1000, start + kSlotMs, 1000, p);
  plain.run(start - 1000, start + kSlotMs, 1000, p);
  ASSERT_EQ(wrap.out.size(), 2u);
  ASSERT_EQ(plain.out.size(), 2u);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(wrap.out[1].export_wh[i], plain.out[1].export_wh[i]);
  EXPECT_EQ(wrap.out[1].missing_ms, 0u);
}

TEST(Energy, BootMidSlotLeavesEarlierMinutesEmpty) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  d.run(start + 125000, start + kSlotMs, 1000, [](int64_t) { return w(3600); });
  ASSERT_EQ(d.out.size(), 1u);
  const SlotReadings& r = d.out[0];
  EXPECT_EQ(r.export_wh[0], 0);
  EXPECT_EQ(r.export_wh[1], 0);
  EXPECT_EQ(r.export_wh[2], 55);  // the sample at 125 s starts the clock: 125..180 s
  EXPECT_EQ(r.missing_ms, 125000u);
}

TEST(Energy, ClockSteppingBackNeverReopensAClosedSlot) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  d.run(start - 1000, start + 10000, 1000, [](int64_t) { return w(100); });
  ASSERT_EQ(d.out.size(), 1u);
  SlotReadings r;
  EXPECT_FALSE(d.in.feed(d.mono, start - 5000, w(100), r));  // SNTP stepped back a slot
  EXPECT_EQ(d.in.clock_anomalies(), 1u);
}

TEST(Energy, SkippedSlotsEmitOnlyTheOneBeingFilled) {
  Driver d;
  const int64_t start = kSlot0 * kSlotMs;
  d.run(start, start + 5000, 1000, [](int64_t) { return w(100); });
  SlotReadings r;
  ASSERT_TRUE(d.in.feed(d.mono + 1000, start + 5 * kSlotMs + 1000, w(100), r));
  EXPECT_EQ(r.slot, uint64_t(kSlot0));
  d.run(start + 5 * kSlotMs + 2000, start + 6 * kSlotMs, 1000, [](int64_t) { return w(3600); });
  ASSERT_FALSE(d.out.empty());
  EXPECT_EQ(d.out.back().slot, uint64_t(kSlot0 + 5));
}

TEST(Energy, HugeReadingsClampToSixteenBits) {
  EnergyConfig cfg;
  cfg.slot_secs = 1800;  // two-minute readings
  Driver d(0, cfg);
  const int64_t start = 1000 * 1800000LL;
  d.run(start - 1000, start + 1800000, 1000, [](int64_t) { return PowerSample{true, 2000000000}; });
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_TRUE(d.out[1].clamped);
  EXPECT_EQ(d.out[1].export_wh[3], 0xFFFF);
}

TEST(Energy, RejectsUnusableConfig) {
  EXPECT_FALSE(EnergyIntegrator(EnergyConfig{0, 3000}).valid());
  EXPECT_FALSE(EnergyIntegrator(EnergyConfig{901, 3000}).valid());
  EXPECT_FALSE(EnergyIntegrator(EnergyConfig{900, 0}).valid());
  EXPECT_TRUE(EnergyIntegrator(EnergyConfig{900, 3000}).valid());
}
