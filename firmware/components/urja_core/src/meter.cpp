#include "urja/meter.hpp"

#include <cstring>

#include "urja/slot.hpp"

namespace urja {

Meter::Meter(PowerSensor& sensor, Clock& clock, SlotRing& ring, const MeterKey& key,
             const uint8_t domain[32], EnergyConfig cfg)
    : sensor_(sensor), clock_(clock), ring_(ring), key_(key), integ_(cfg) {
  std::memcpy(domain_, domain, sizeof domain_);
}

void Meter::tick() {
  const uint32_t mono = clock_.mono_ms();
  int64_t wall = 0;
  if (!clock_.unix_ms(wall)) {
    ++stats_.unsynced;  // before SNTP: energy cannot be placed in a slot, so none is claimed
  } else {
    SensorError err = SensorError::None;
    const PowerSample s = sample(sensor_, &err);
    ++stats_.samples;
    if (!s.valid) {
      ++stats_.dropouts;
      stats_.last_sensor_error = err;
    }
    SlotReadings done;
    if (integ_.feed(mono, wall, s, done)) {
      seal_slot(done, key_, domain_, last_);
      ++stats_.slots_sealed;
      if (ring_.append(last_) != RingError::None) ++stats_.store_errors;
    }
  }
}

}  // namespace urja
