// Energy accounting: integrates power samples (about one per second) into per-reading export
// and import Wh and assembles slots aligned to wall-clock time.
//
// Why: the commitment covers exactly 15 readings per slot, and every Wh the meter reports must
// be energy it measured. Dropouts (no valid sample, or a gap longer than max_gap_ms) add no
// energy and are counted; the monotonic millisecond counter may wrap; fractions of a Wh carry
// over to the next reading so nothing is lost to rounding. Time is injected, so the host
// tests drive it like SNTP-synchronised device time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "urja/delivery.hpp"

namespace urja {

/// One sensor sample: signed power, positive when exporting to the grid.
struct PowerSample {
  bool valid;        ///< false if the sensor read failed (dropout)
  int32_t power_mw;  ///< milliwatts, + export / - import
};

/// A finished slot of readings, before it is committed and signed.
struct SlotReadings {
  uint64_t slot;
  uint16_t export_wh[kReadingsPerSlot];
  uint16_t import_wh[kReadingsPerSlot];
  uint32_t missing_ms;  ///< time in the slot not covered by valid samples
  bool clamped;         ///< a reading exceeded 65535 Wh and was clamped
};

/// Market time parameters the meter needs.
struct EnergyConfig {
  uint32_t slot_secs = 900;     ///< slot length; must be a positive multiple of 15
  uint32_t max_gap_ms = 3000;   ///< samples further apart than this are a dropout
};

/// Wall-clock and monotonic time source (SNTP + esp_timer on the device, fake on the host).
class Clock {
 public:
  virtual ~Clock() = default;
  /// Milliseconds from a free-running counter that may wrap at 2^32.
  virtual uint32_t mono_ms() = 0;
  /// Unix time in ms; false while the wall clock is not synchronised.
  virtual bool unix_ms(int64_t& out) = 0;
};

/// Integrates samples into slots. No heap; one instance per meter.
class EnergyIntegrator {
 public:
  /// Milliwatt-milliseconds in one watt-hour.
  static constexpr uint64_t kMwMsPerWh = 3600ull * 1000 * 1000;

  /// False from valid() if the configuration is unusable (slot_secs not a multiple of 15...).
  explicit EnergyIntegrator(EnergyConfig cfg);
  /// Whether the configuration was accepted.
  bool valid() const { return valid_; }

  /// Feeds one sample taken at (mono_ms, unix_ms). Returns true and fills `done` when the
  /// sample's time falls in a later slot than the one being filled: that slot is complete.
  bool feed(uint32_t mono_ms, int64_t unix_ms, PowerSample s, SlotReadings& done);

  /// Samples ignored because wall time went backwards out of the current slot.
  uint32_t clock_anomalies() const { return clock_anomalies_; }

 private:
  void start_slot(uint64_t slot);
  void add(int64_t from_ms, int64_t to_ms, int32_t power_mw);
  void close(SlotReadings& out);

  EnergyConfig cfg_;
  bool valid_;
  bool started_ = false;
  uint32_t last_mono_ = 0;
  uint64_t slot_ = 0;
  uint64_t export_acc_[kReadingsPerSlot] = {};
  uint64_t import_acc_[kReadingsPerSlot] = {};
  uint64_t covered_ms_ = 0;
  uint64_t export_carry_ = 0;
  uint64_t import_carry_ = 0;
  uint32_t clock_anomalies_ = 0;
};

}  // namespace urja
