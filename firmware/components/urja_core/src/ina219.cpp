#include "urja/ina219.hpp"

namespace urja {

bool ina219_calibration(const Ina219Config& cfg, Ina219Calibration& out) {
  if (cfg.shunt_micro_ohm == 0 || cfg.max_current_ma == 0) return false;
  // Current LSB = max expected current / 2^15, rounded up to a whole microamp.
  const uint64_t lsb_ua = (uint64_t(cfg.max_current_ma) * 1000 + 32767) / 32768;
  // Cal = trunc(0.04096 / (Current_LSB[A] * R_shunt[ohm])) = 4.096e10 / (lsb_uA * R_uohm).
  const uint64_t denom = lsb_ua * cfg.shunt_micro_ohm;
  const uint64_t cal = 40960000000ull / denom;
  if (cal == 0 || cal > 0xFFFE) return false;
  out.current_lsb_ua = uint32_t(lsb_ua);
  out.power_lsb_uw = uint32_t(lsb_ua * 20);
  out.cal = uint16_t(cal & 0xFFFE);  // bit 0 is read-only zero
  return true;
}

Ina219::Ina219(I2cBus& bus, Ina219Config cfg) : bus_(bus), cfg_(cfg) {}

SensorError Ina219::read_reg(uint8_t reg, uint16_t& v) {
  uint8_t b[2];
  const size_t n = bus_.write_read(cfg_.address, reg, b, 2);
  if (n == 0) return SensorError::BusError;
  if (n < 2) return SensorError::Truncated;
  v = uint16_t(b[0] << 8 | b[1]);
  return SensorError::None;
}

SensorError Ina219::write_reg(uint8_t reg, uint16_t v) {
  const uint8_t b[3] = {reg, uint8_t(v >> 8), uint8_t(v)};
  return bus_.write(cfg_.address, b, 3) ? SensorError::None : SensorError::BusError;
}

SensorError Ina219::begin() {
  ready_ = false;
  if (!ina219_calibration(cfg_, cal_) || (cfg_.config & 0x8000)) return SensorError::BadConfig;
  SensorError e = write_reg(ina219_reg::kConfig, cfg_.config);
  if (e == SensorError::None) e = write_reg(ina219_reg::kCalibration, cal_.cal);
  uint16_t cfg = 0, cal = 0;
  if (e == SensorError::None) e = read_reg(ina219_reg::kConfig, cfg);
  if (e == SensorError::None) e = read_reg(ina219_reg::kCalibration, cal);
  if (e != SensorError::None) return e;
  if (cfg != cfg_.config || cal != cal_.cal) return SensorError::ConfigMismatch;
  ready_ = true;
  return SensorError::None;
}

SensorError Ina219::read(Measurement& out) {
  if (!ready_) {
    const SensorError e = begin();
    if (e != SensorError::None) return e;
  }
  uint16_t cal = 0, bus = 0, cur = 0, pow = 0;
  SensorError e = read_reg(ina219_reg::kCalibration, cal);
  if (e != SensorError::None) return e;
  if (cal != cal_.cal) {
    ready_ = false;  // reprogram on the next read; this sample is a dropout
    return SensorError::NotCalibrated;
  }
  if ((e = read_reg(ina219_reg::kBus, bus)) != SensorError::None) return e;
  if (bus & 0x0001) return SensorError::Overflow;
  if ((e = read_reg(ina219_reg::kCurrent, cur)) != SensorError::None) return e;
  if ((e = read_reg(ina219_reg::kPower, pow)) != SensorError::None) return e;
  const uint32_t bus_mv = uint32_t(bus >> 3) * 4;
  if (bus_mv > 32000) return SensorError::BadValue;
  const int64_t current_ua = int64_t(int16_t(cur)) * cal_.current_lsb_ua;
  const int64_t power_uw = int64_t(pow) * cal_.power_lsb_uw;
  // The power register is unsigned; its sign is the current's.
  const int sign = (current_ua < 0 ? -1 : 1) * cfg_.sign;
  out.voltage_mv = bus_mv;
  out.current_ma = int32_t(cfg_.sign * current_ua / 1000);
  out.power_mw = int32_t(sign * (power_uw / 1000));
  return SensorError::None;
}

}  // namespace urja
