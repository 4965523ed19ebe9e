#include "urja/sensor.hpp"

namespace urja {

const char* sensor_error_name(SensorError e) {
  switch (e) {
    case SensorError::None: return "ok";
    case SensorError::Timeout: return "timeout: no reply";
    case SensorError::Truncated: return "truncated reply";
    case SensorError::TrailingBytes: return "reply longer than its frame";
    case SensorError::BadCrc: return "CRC-16 mismatch";
    case SensorError::BadAddress: return "reply from another address";
    case SensorError::BadFunction: return "reply to another function";
    case SensorError::BadByteCount: return "unexpected byte count";
    case SensorError::DeviceException: return "device exception";
    case SensorError::BadValue: return "value outside the sensor's range";
    case SensorError::BusError: return "bus error (NACK or write failure)";
    case SensorError::Overflow: return "math overflow in the sensor";
    case SensorError::NotCalibrated: return "calibration lost";
    case SensorError::ConfigMismatch: return "register read back differs";
    case SensorError::BadConfig: return "driver configuration not realisable";
  }
  return "unknown sensor error";
}

PowerSample sample(PowerSensor& s, SensorError* err) {
  Measurement m{};
  const SensorError e = s.read(m);
  if (err) *err = e;
  if (e != SensorError::None) return PowerSample{false, 0};
  return PowerSample{true, m.power_mw};
}

}  // namespace urja
