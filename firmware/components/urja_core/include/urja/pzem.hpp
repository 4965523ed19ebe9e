// PZEM-004T v3.0 AC energy module over Modbus-RTU (9600 8N1).
//
// Why: the common low-cost AC meter for a household inverter output. Frames are built and
// checked here byte by byte (CRC-16/MODBUS, address, function, byte count, exceptions) so a
// noisy line yields a named error, never a wrong reading.
#pragma once

#include <cstddef>
#include <cstdint>

#include "urja/sensor.hpp"

namespace urja {

/// CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first.
uint16_t modbus_crc16(const uint8_t* data, size_t n);

/// A UART the driver talks through (ESP-IDF uart driver on the device, fakes on the host).
class Uart {
 public:
  virtual ~Uart() = default;
  /// Drops any stale input bytes.
  virtual void flush_input() = 0;
  /// Sends bytes; false on failure.
  virtual bool write(const uint8_t* data, size_t n) = 0;
  /// Reads up to `cap` bytes, waiting at most `timeout_ms` in total; returns bytes read.
  virtual size_t read(uint8_t* out, size_t cap, uint32_t timeout_ms) = 0;
};

/// Decoded input registers 0x0000..0x0009 of the PZEM-004T v3.
struct PzemRegisters {
  uint16_t voltage_dv;       ///< 0.1 V
  uint32_t current_ma;       ///< 0.001 A
  uint32_t power_dw;         ///< 0.1 W
  uint32_t energy_wh;        ///< 1 Wh (the module's own counter; wraps / can be reset)
  uint16_t frequency_dhz;    ///< 0.1 Hz
  uint16_t power_factor_pct; ///< 0.01
  uint16_t alarm;            ///< 0xFFFF alarm, 0x0000 none
};

/// Default slave address, also the "general" address any single module answers.
constexpr uint8_t kPzemGeneralAddress = 0xF8;
/// Length of the read request and of a normal reply.
constexpr size_t kPzemRequestLen = 8;
constexpr size_t kPzemReplyLen = 25;

/// Writes the "read input registers 0..9" request for `addr`.
void pzem_read_request(uint8_t addr, uint8_t out[kPzemRequestLen]);

/// Validates and decodes a reply to pzem_read_request(addr). With the general address any
/// replying address is accepted. On error `out` is untouched and `exception` (if given) gets
/// the Modbus exception code for DeviceException.
SensorError pzem_parse_reply(uint8_t addr, const uint8_t* frame, size_t len, PzemRegisters& out,
                             uint8_t* exception = nullptr);

/// PowerSensor over a PZEM-004T. The module measures magnitude only; `sign` (+1 or -1) says
/// whether its power is export (meter on the inverter output) or import.
class Pzem004t : public PowerSensor {
 public:
  /// Uses `uart` (9600 8N1); timeout per reply defaults to 200 ms.
  Pzem004t(Uart& uart, uint8_t addr = kPzemGeneralAddress, int sign = +1,
           uint32_t timeout_ms = 200);
  SensorError read(Measurement& out) override;
  const char* name() const override { return "PZEM-004T"; }
  /// Registers of the last successful read (energy counter, frequency, alarm...).
  const PzemRegisters& last() const { return last_; }

 private:
  Uart& uart_;
  uint8_t addr_;
  int sign_;
  uint32_t timeout_ms_;
  PzemRegisters last_{};
};

}  // namespace urja
