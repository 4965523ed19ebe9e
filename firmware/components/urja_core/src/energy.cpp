#include "urja/energy.hpp"

namespace urja {

EnergyIntegrator::EnergyIntegrator(EnergyConfig cfg)
    : cfg_(cfg), valid_(cfg.slot_secs > 0 && cfg.slot_secs % kReadingsPerSlot == 0 && cfg.max_gap_ms > 0) {}

void EnergyIntegrator::start_slot(uint64_t slot) {
  slot_ = slot;
  for (size_t i = 0; i < kReadingsPerSlot; ++i) export_acc_[i] = import_acc_[i] = 0;
  covered_ms_ = 0;
}

// Adds power over [from_ms, to_ms) (both inside the current slot), split across readings.
void EnergyIntegrator::add(int64_t from_ms, int64_t to_ms, int32_t power_mw) {
  const int64_t slot_start = int64_t(slot_) * cfg_.slot_secs * 1000;
  const int64_t reading_ms = int64_t(cfg_.slot_secs / kReadingsPerSlot) * 1000;
  covered_ms_ += uint64_t(to_ms - from_ms);
  const uint64_t mag = power_mw < 0 ? uint64_t(-int64_t(power_mw)) : uint64_t(power_mw);
  uint64_t* acc = power_mw < 0 ? import_acc_ : export_acc_;
  while (from_ms < to_ms) {
    const size_t idx = size_t((from_ms - slot_start) / reading_ms);
    const int64_t end = slot_start + int64_t(idx + 1) * reading_ms;
    const int64_t stop = to_ms < end ? to_ms : end;
    acc[idx] += mag * uint64_t(stop - from_ms);
    from_ms = stop;
  }
}

void EnergyIntegrator::close(SlotReadings& out) {
  out.slot = slot_;
  out.clamped = false;
  const uint64_t slot_ms = uint64_t(cfg_.slot_secs) * 1000;
  out.missing_ms = uint32_t(covered_ms_ >= slot_ms ? 0 : slot_ms - covered_ms_);
  for (size_t i = 0; i < kReadingsPerSlot; ++i) {
    uint64_t e = export_acc_[i] + export_carry_;
    uint64_t im = import_acc_[i] + import_carry_;
    uint64_t e_wh = e / kMwMsPerWh, i_wh = im / kMwMsPerWh;
    export_carry_ = e % kMwMsPerWh;
    import_carry_ = im % kMwMsPerWh;
    if (e_wh > 0xFFFF || i_wh > 0xFFFF) out.clamped = true;
    out.export_wh[i] = uint16_t(e_wh > 0xFFFF ? 0xFFFF : e_wh);
    out.import_wh[i] = uint16_t(i_wh > 0xFFFF ? 0xFFFF : i_wh);
  }
}

bool EnergyIntegrator::feed(uint32_t mono_ms, int64_t unix_ms, PowerSample s, SlotReadings& done) {
  if (!valid_ || unix_ms < 0) return false;
  const uint64_t slot = uint64_t(unix_ms) / (uint64_t(cfg_.slot_secs) * 1000);
  if (!started_) {
    started_ = true;
    last_mono_ = mono_ms;
    start_slot(slot);
    return false;
  }
  const uint32_t dt = mono_ms - last_mono_;  // unsigned: correct across a counter wrap
  last_mono_ = mono_ms;
  if (slot < slot_) {
    ++clock_anomalies_;  // wall clock stepped back out of the slot: never reopen an old slot
    return false;
  }
  bool finished = false;
  const int64_t slot_len = int64_t(cfg_.slot_secs) * 1000;
  int64_t from = unix_ms - int64_t(dt);
  const bool integrate = s.valid && dt > 0 && dt <= cfg_.max_gap_ms;
  if (slot > slot_) {
    // Energy of the interval that falls before the new slot belongs to the old slot.
    const int64_t boundary = int64_t(slot_ + 1) * slot_len;
    if (integrate && from < boundary) add(from, boundary, s.power_mw);
    close(done);
    finished = true;
    start_slot(slot);
  }
  const int64_t slot_start = int64_t(slot_) * slot_len;
  if (from < slot_start) from = slot_start;
  if (integrate && from < unix_ms) add(from, unix_ms, s.power_mw);
  return finished;
}

}  // namespace urja
