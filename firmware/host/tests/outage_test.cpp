// The whole meter loop (sensor -> integrator -> seal -> flash ring -> forwarder) against a
// fake broker: a 24-hour outage loses nothing, and on reconnect every slot arrives in order,
// none twice; backoff grows while the broker is away; a lost PUBACK means at-least-once.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "emulated_flash.hpp"
#include "urja/forwarder.hpp"
#include "urja/meter.hpp"

namespace {

struct FakeClock : urja::Clock {
  uint32_t mono = 0xFFFFFFFFu - 3600000;  // the counter wraps an hour in
  int64_t unix = 1790000000000;           // ms
  bool synced = true;
  uint32_t mono_ms() override { return mono; }
  bool unix_ms(int64_t& out) override {
    out = unix;
    return synced;
  }
  void advance(uint32_t ms) {
    mono += ms;
    unix += ms;
  }
};

// Solar-ish export by day, import at night, with a flaky second now and then.
struct SynthSensor : urja::PowerSensor {
  FakeClock& clock;
  explicit SynthSensor(FakeClock& c) : clock(c) {}
  urja::SensorError read(urja::Measurement& m) override {
    const int64_t s = clock.unix / 1000;
    if (s % 997 == 0) return urja::SensorError::BadCrc;
    const int64_t tod = s % 86400;
    const int32_t solar = (tod > 21600 && tod < 64800) ? int32_t(2500 - std::abs(tod - 43200) / 9) : 0;
    m.power_mw = (solar - 400) * 1000;
    m.voltage_mv = 230000;
    m.current_ma = m.power_mw / 230;
    return urja::SensorError::None;
  }
  const char* name() const override { return "synthetic"; }
};

struct FakeBroker : urja::Publisher {
  FakeClock& clock;
  bool up = true;
  bool lose_next_puback = false;
  bool session = false;
  int next_id = 1;
  std::deque<int> pubacks;
  std::vector<std::string> received;  // payloads in arrival order
  std::vector<std::string> topics;
  uint32_t connects = 0;
  std::vector<uint32_t> attempt_times;
  explicit FakeBroker(FakeClock& c) : clock(c) {}
  bool connected() override { return up && session; }
  void ensure_connected() override {
    attempt_times.push_back(clock.mono);
    if (up && !session) {
      session = true;
      ++connects;
    }
  }
  bool publish(const char* topic, const char* payload, size_t len, int& id) override {
    if (!connected()) return false;
    id = next_id++;
    received.emplace_back(payload, len);
    topics.emplace_back(topic);
    if (lose_next_puback) {
      lose_next_puback = false;
    } else {
      pubacks.push_back(id);
    }
    return true;
  }
  void go_down() {
    up = false;
    session = false;
    pubacks.clear();
  }
};

uint64_t slot_of(const std::string& payload) {
  const size_t at = payload.find("\"slot\":");
  return std::stoull(payload.substr(at + 7));
}

struct Rig {
  FakeClock clock;
  SynthSensor sensor{clock};
  FakeBroker broker{clock};
  urja::host::EmulatedFlash flash{48 * 4096};
  urja::SlotRing ring{flash};
  urja::MeterKey key;
  urja::Forwarder fwd;
  urja::Meter meter;
  // The market domain the rig's meter is provisioned with.
  static const uint8_t* domain() {
    static uint8_t d[32];
    std::memset(d, 0xD7, sizeof d);
    return d;
  }
  static urja::MeterKey make_key() {
    uint8_t seed[32];
    for (int i = 0; i < 32; ++i) seed[i] = uint8_t(200 - i);
    return urja::MeterKey::from_seed(seed);
  }
  Rig()
      : key(make_key()),
        fwd((ring.open(), ring), broker, key.public_key, "village-1"),
        meter(sensor, clock, ring, key, domain()) {}
  // Runs `secs` one-second ticks, delivering PUBACKs between ticks like a network would.
  void run(int64_t secs) {
    for (int64_t i = 0; i < secs; ++i) {
      meter.tick();
      fwd.poll(clock.mono);
      while (!broker.pubacks.empty()) {
        const int id = broker.pubacks.front();
        broker.pubacks.pop_front();
        fwd.on_ack(id, clock.mono);
      }
      clock.advance(1000);
    }
  }
  void outage() {
    broker.go_down();
    fwd.on_connection_lost(clock.mono);
  }
};

}  // namespace

TEST(Outage, TwentyFourHoursOfflineThenEverySlotInOrderOnce) {
  ASSERT_TRUE(urja::crypto_init());
  Rig rig;
  ASSERT_TRUE(rig.fwd.valid());
  rig.run(2 * 3600);
  const size_t before = rig.broker.received.size();
  EXPECT_GE(before, 7u);
  rig.outage();
  rig.run(24 * 3600);
  EXPECT_EQ(rig.broker.received.size(), before) << "nothing can arrive while the broker is down";
  EXPECT_GE(rig.ring.pending(), 95u) << "a day of slots waits in flash";
  // Backoff: attempts get sparser, capped at five minutes (plus jitter).
  const auto& t = rig.broker.attempt_times;
  ASSERT_GT(t.size(), 10u);
  EXPECT_LT(t.size(), 24u * 3600 / 300 + 20);
  EXPECT_GE(uint32_t(t[t.size() - 1] - t[t.size() - 2]), 300000u);
  EXPECT_LE(uint32_t(t[t.size() - 1] - t[t.size() - 2]), 375000u);

  rig.broker.up = true;
  rig.run(2 * 3600);
  EXPECT_EQ(rig.ring.pending(), 0u);
  EXPECT_EQ(rig.ring.dropped(), 0u);
  EXPECT_EQ(rig.meter.stats().store_errors, 0u);
  EXPECT_GT(rig.meter.stats().dropouts, 0u);
  const auto& got = rig.broker.received;
  ASSERT_EQ(got.size(), rig.meter.stats().slots_sealed);
  for (size_t i = 1; i < got.size(); ++i) {
    ASSERT_EQ(slot_of(got[i]), slot_of(got[i - 1]) + 1) << "message " << i;
  }
  // What arrived verifies: the signature covers the market domain, meter, slot and commitment.
  const std::string& last = got.back();
  std::string want = "\"v\":2,\"domain\":\"";
  for (int i = 0; i < 32; ++i) want += "d7";
  EXPECT_NE(last.find(want + "\",\"meter\":\""), std::string::npos);
  EXPECT_EQ(rig.broker.topics.back().rfind("urja/village-1/meter/", 0), 0u);
  EXPECT_EQ(slot_of(last), rig.meter.last_sealed().slot);
  EXPECT_TRUE(urja::verify_delivery(Rig::domain(), rig.key.public_key,
                                    rig.meter.last_sealed().slot,
                                    rig.meter.last_sealed().commitment,
                                    rig.meter.last_sealed().signature));
}

TEST(Outage, RebootDuringOutageKeepsTheBacklog) {
  ASSERT_TRUE(urja::crypto_init());
  Rig rig;
  rig.outage();
  rig.run(5 * 3600);
  const size_t stored = rig.ring.pending();
  EXPECT_GE(stored, 19u);
  // Power cycle: a fresh ring, forwarder and meter over the same partition.
  urja::SlotRing ring(rig.flash);
  ASSERT_EQ(ring.open(), urja::RingError::None);
  EXPECT_EQ(ring.pending(), stored);
  rig.broker.up = true;
  urja::Forwarder fwd(ring, rig.broker, rig.key.public_key, "village-1");
  for (int i = 0; i < 600 && ring.pending() > 0; ++i) {
    fwd.poll(rig.clock.mono);
    while (!rig.broker.pubacks.empty()) {
      fwd.on_ack(rig.broker.pubacks.front(), rig.clock.mono);
      rig.broker.pubacks.pop_front();
    }
    rig.clock.advance(1000);
  }
  EXPECT_EQ(ring.pending(), 0u);
  ASSERT_EQ(rig.broker.received.size(), stored);
  for (size_t i = 1; i < stored; ++i) {
    EXPECT_EQ(slot_of(rig.broker.received[i]), slot_of(rig.broker.received[i - 1]) + 1);
  }
}

TEST(Outage, LostPubackIsRetriedSoDeliveryIsAtLeastOnce) {
  ASSERT_TRUE(urja::crypto_init());
  Rig rig;
  rig.broker.lose_next_puback = true;
  rig.run(1800 + 60);
  // The first slot was received, its PUBACK lost; after the ack timeout it is sent again
  // (QoS 1: the relayer deduplicates by (meter, slot), as market.deliver does on-chain).
  ASSERT_GE(rig.broker.received.size(), 3u);
  EXPECT_EQ(slot_of(rig.broker.received[0]), slot_of(rig.broker.received[1]));
  EXPECT_EQ(rig.fwd.stats().failures, 1u);
  EXPECT_EQ(rig.ring.pending(), 0u);
}

TEST(Outage, NoWallClockMeansNoClaimedEnergy) {
  ASSERT_TRUE(urja::crypto_init());
  Rig rig;
  rig.clock.synced = false;
  rig.run(3600);
  EXPECT_EQ(rig.meter.stats().slots_sealed, 0u);
  EXPECT_EQ(rig.meter.stats().unsynced, 3600u);
}

TEST(Outage, PublishesAsSoonAsTheSessionReturns) {
  ASSERT_TRUE(urja::crypto_init());
  Rig rig;
  rig.outage();
  rig.run(3 * 3600);  // backoff has grown to its 5-minute cap
  ASSERT_GT(rig.ring.pending(), 10u);
  rig.broker.up = true;
  rig.broker.ensure_connected();  // e.g. esp-mqtt's own reconnect succeeded
  const size_t before = rig.broker.received.size();
  rig.run(1);
  EXPECT_EQ(rig.broker.received.size(), before + 1)
      << "must not sit out the rest of a 5-minute backoff";
  rig.run(60);  // then one slot per poll, each released on its PUBACK
  EXPECT_EQ(rig.ring.pending(), 0u);
}
