// INA219 current/power monitor over I2C (DC side: panel string, battery or small inverter).
//
// Why: a cheap high-side monitor with a signed current register; the driver programs and
// verifies the calibration, detects the calibration being lost after a sensor brown-out
// (the chip then reads zero current — a silent bogus reading) and the math-overflow flag.
#pragma once

#include <cstddef>
#include <cstdint>

#include "urja/sensor.hpp"

namespace urja {

/// An I2C master (ESP-IDF i2c_master on the device, fakes on the host).
class I2cBus {
 public:
  virtual ~I2cBus() = default;
  /// Writes bytes to a device; false on NACK or bus error.
  virtual bool write(uint8_t addr, const uint8_t* data, size_t n) = 0;
  /// Writes the register pointer then reads up to `n` bytes; returns bytes read (0 on NACK).
  virtual size_t write_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t n) = 0;
};

/// INA219 register addresses.
namespace ina219_reg {
constexpr uint8_t kConfig = 0x00, kShunt = 0x01, kBus = 0x02, kPower = 0x03, kCurrent = 0x04,
                  kCalibration = 0x05;
}

/// Board and range settings.
struct Ina219Config {
  uint8_t address = 0x40;
  uint32_t shunt_micro_ohm = 100000;  ///< 0.1 ohm (common breakout boards)
  uint32_t max_current_ma = 3200;     ///< expected maximum; sets the current LSB
  uint16_t config = 0x399F;  ///< 32 V bus, +-320 mV shunt, 12-bit, continuous shunt+bus
  int sign = +1;             ///< +1 if positive current means export
};

/// Calibration derived from a configuration (datasheet section 8.5).
struct Ina219Calibration {
  uint32_t current_lsb_ua;  ///< microamps per current-register bit
  uint32_t power_lsb_uw;    ///< 20 x current LSB
  uint16_t cal;             ///< calibration register value
};

/// Computes the calibration; false if the shunt/current combination does not fit 16 bits.
bool ina219_calibration(const Ina219Config& cfg, Ina219Calibration& out);

/// PowerSensor over an INA219.
class Ina219 : public PowerSensor {
 public:
  /// Keeps references; call begin() before read().
  Ina219(I2cBus& bus, Ina219Config cfg);
  /// Writes configuration and calibration and reads both back.
  SensorError begin();
  /// Reads bus voltage, current and power; re-checks the calibration each time.
  SensorError read(Measurement& out) override;
  const char* name() const override { return "INA219"; }

 private:
  SensorError read_reg(uint8_t reg, uint16_t& v);
  SensorError write_reg(uint8_t reg, uint16_t v);

  I2cBus& bus_;
  Ina219Config cfg_;
  Ina219Calibration cal_{};
  bool ready_ = false;
};

}  // namespace urja
