// The meter's metering loop body, shared by the ESP-IDF app and the host simulator: sample
// the sensor, integrate, seal each finished slot and store it in the flash ring. Forwarding
// is driven separately (Forwarder::poll) because its timers run on network time, which in
// the simulator differs from the virtual metering time.
#pragma once

#include <cstdint>

#include "urja/delivery.hpp"
#include "urja/energy.hpp"
#include "urja/ring.hpp"
#include "urja/sensor.hpp"

namespace urja {

/// Counters a meter exposes (logged on the device, printed by the simulator).
struct MeterStats {
  uint32_t samples = 0;
  uint32_t dropouts = 0;       ///< sensor errors
  uint32_t unsynced = 0;       ///< ticks skipped because the wall clock was not set
  uint32_t slots_sealed = 0;
  uint32_t store_errors = 0;   ///< ring append failures (slot lost)
  SensorError last_sensor_error = SensorError::None;
};

/// One meter. No heap; everything is owned by the caller.
class Meter {
 public:
  /// All references must outlive the meter. `domain` is the 32-byte market domain the
  /// meter was provisioned with (copied). `cfg` must be valid (see EnergyIntegrator).
  Meter(PowerSensor& sensor, Clock& clock, SlotRing& ring, const MeterKey& key,
        const uint8_t domain[32], EnergyConfig cfg = EnergyConfig{});
  /// One iteration, about once per second.
  void tick();
  /// Counters.
  const MeterStats& stats() const { return stats_; }
  /// The most recently sealed slot (valid once stats().slots_sealed > 0).
  const SlotRecord& last_sealed() const { return last_; }

 private:
  PowerSensor& sensor_;
  Clock& clock_;
  SlotRing& ring_;
  const MeterKey& key_;
  uint8_t domain_[32];
  EnergyIntegrator integ_;
  MeterStats stats_;
  SlotRecord last_{};
};

}  // namespace urja
