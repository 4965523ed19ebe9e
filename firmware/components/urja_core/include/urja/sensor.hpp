// One interface for every energy sensor the meter supports (PZEM-004T v3, INA219).
//
// Why: the energy integrator only needs signed power per second and must never see a bogus
// value: each driver validates its bus frames and reports a named error instead of a reading.
#pragma once

#include <cstdint>

#include "urja/energy.hpp"

namespace urja {

/// Why a sensor read produced no reading.
enum class SensorError : uint8_t {
  None = 0,
  Timeout,          ///< no reply at all
  Truncated,        ///< reply shorter than the frame it announced
  TrailingBytes,    ///< reply longer than the frame (line noise, two devices answering)
  BadCrc,           ///< Modbus CRC-16 mismatch
  BadAddress,       ///< reply from another slave address
  BadFunction,      ///< reply to a different Modbus function
  BadByteCount,     ///< Modbus byte count is not what was requested
  DeviceException,  ///< the device answered with a Modbus exception
  BadValue,         ///< decoded value outside the sensor's physical range
  BusError,         ///< I2C NACK or UART write failure
  Overflow,         ///< INA219 math overflow: current/power registers are invalid
  NotCalibrated,    ///< INA219 calibration register lost (sensor brown-out)
  ConfigMismatch,   ///< register read back differs from what was written
  BadConfig,        ///< driver configuration cannot be realised
};

/// Human-readable name of an error (logs, tests).
const char* sensor_error_name(SensorError e);

/// A validated reading.
struct Measurement {
  int32_t power_mw;     ///< signed: + export, - import
  uint32_t voltage_mv;  ///< line (PZEM, RMS) or bus (INA219) voltage
  int32_t current_ma;   ///< signed like power
};

/// A sensor the meter can poll once per second.
class PowerSensor {
 public:
  virtual ~PowerSensor() = default;
  /// Takes one reading; on error `out` is left untouched.
  virtual SensorError read(Measurement& out) = 0;
  /// Short driver name for logs.
  virtual const char* name() const = 0;
};

/// Polls a sensor into the integrator's sample type (an error becomes a dropout).
PowerSample sample(PowerSensor& s, SensorError* err = nullptr);

}  // namespace urja
