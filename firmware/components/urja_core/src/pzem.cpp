#include "urja/pzem.hpp"

namespace urja {

uint16_t modbus_crc16(const uint8_t* data, size_t n) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? uint16_t((crc >> 1) ^ 0xA001) : uint16_t(crc >> 1);
  }
  return crc;
}

void pzem_read_request(uint8_t addr, uint8_t out[kPzemRequestLen]) {
  out[0] = addr;
  out[1] = 0x04;  // read input registers
  out[2] = 0x00;
  out[3] = 0x00;  // start 0x0000
  out[4] = 0x00;
  out[5] = 0x0A;  // ten registers
  const uint16_t crc = modbus_crc16(out, 6);
  out[6] = uint8_t(crc);
  out[7] = uint8_t(crc >> 8);
}

namespace {

bool crc_ok(const uint8_t* f, size_t len) {
  const uint16_t crc = modbus_crc16(f, len - 2);
  return f[len - 2] == uint8_t(crc) && f[len - 1] == uint8_t(crc >> 8);
}

uint16_t reg(const uint8_t* data, int i) { return uint16_t(data[2 * i] << 8 | data[2 * i + 1]); }

}  // namespace

SensorError pzem_parse_reply(uint8_t addr, const uint8_t* f, size_t len, PzemRegisters& out,
                             uint8_t* exception) {
  if (len == 0) return SensorError::Timeout;
  if (len < 5) return SensorError::Truncated;
  const bool any_addr = addr == kPzemGeneralAddress;
  if (f[1] == 0x84) {  // exception reply: addr, 0x84, code, crc
    if (len > 5) return SensorError::TrailingBytes;
    if (!crc_ok(f, 5)) return SensorError::BadCrc;
    if (!any_addr && f[0] != addr) return SensorError::BadAddress;
    if (exception) *exception = f[2];
    return SensorError::DeviceException;
  }
  if (f[2] != 20) {
    // With a wrong byte count the frame length is unknown; check CRC over what came.
    return crc_ok(f, len) ? SensorError::BadByteCount : SensorError::BadCrc;
  }
  if (len < kPzemReplyLen) return SensorError::Truncated;
  if (len > kPzemReplyLen) return SensorError::TrailingBytes;
  if (!crc_ok(f, kPzemReplyLen)) return SensorError::BadCrc;
  if (!any_addr && f[0] != addr) return SensorError::BadAddress;
  if (f[1] != 0x04) return SensorError::BadFunction;
  const uint8_t* d = f + 3;
  PzemRegisters r;
  r.voltage_dv = reg(d, 0);
  r.current_ma = uint32_t(reg(d, 1)) | uint32_t(reg(d, 2)) << 16;
  r.power_dw = uint32_t(reg(d, 3)) | uint32_t(reg(d, 4)) << 16;
  r.energy_wh = uint32_t(reg(d, 5)) | uint32_t(reg(d, 6)) << 16;
  r.frequency_dhz = reg(d, 7);
  r.power_factor_pct = reg(d, 8);
  r.alarm = reg(d, 9);
  // Datasheet ranges: 80-260 V, 0-100 A, 0-23 kW, 45-65 Hz, PF 0.00-1.00. A module without
  // mains reads all zeros, which is a valid "no power" reading.
  const bool dead = r.voltage_dv == 0 && r.frequency_dhz == 0;
  if (r.power_factor_pct > 100 || r.current_ma > 100000 || r.power_dw > 230000 ||
      r.voltage_dv > 3000 || (!dead && (r.frequency_dhz < 400 || r.frequency_dhz > 700))) {
    return SensorError::BadValue;
  }
  out = r;
  return SensorError::None;
}

Pzem004t::Pzem004t(Uart& uart, uint8_t addr, int sign, uint32_t timeout_ms)
    : uart_(uart), addr_(addr), sign_(sign < 0 ? -1 : 1), timeout_ms_(timeout_ms) {}

SensorError Pzem004t::read(Measurement& out) {
  uint8_t req[kPzemRequestLen];
  pzem_read_request(addr_, req);
  uart_.flush_input();
  if (!uart_.write(req, sizeof req)) return SensorError::BusError;
  // Read the 5 bytes every reply starts with, then exactly the rest of a normal reply, so
  // the UART returns as soon as the frame is complete (stray bytes are flushed next time).
  uint8_t buf[kPzemReplyLen];
  size_t len = uart_.read(buf, 5, timeout_ms_);
  if (len == 5 && buf[1] != 0x84) len += uart_.read(buf + 5, kPzemReplyLen - 5, timeout_ms_);
  PzemRegisters r;
  const SensorError e = pzem_parse_reply(addr_, buf, len, r);
  if (e != SensorError::None) return e;
  last_ = r;
  out.power_mw = sign_ * int32_t(r.power_dw * 100);
  out.voltage_mv = uint32_t(r.voltage_dv) * 100;
  out.current_ma = sign_ * int32_t(r.current_ma);
  return SensorError::None;
}

}  // namespace urja
