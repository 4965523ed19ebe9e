// PZEM-004T (Modbus-RTU frames) and INA219 (I2C registers) drivers against byte frames,
// including malformed and truncated ones: every bad frame yields a named error, no reading.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <map>
#include <vector>

#include "urja/ina219.hpp"
#include "urja/pzem.hpp"

using urja::Measurement;
using urja::SensorError;

namespace {

// A reply as the module sends it: 230.5 V, 4.350 A, 1002.5 W, 123456 Wh, 50.0 Hz, PF 0.99.
std::vector<uint8_t> good_reply(uint8_t addr = 0x01) {
  std::vector<uint8_t> f = {addr, 0x04, 20,   0x09, 0x01, 0x10, 0xFE, 0x00, 0x00, 0x27, 0x29,
                            0x00, 0x00, 0xE2, 0x40, 0x00, 0x01, 0x01, 0xF4, 0x00, 0x63, 0x00, 0x00};
  const uint16_t crc = urja::modbus_crc16(f.data(), f.size());
  f.push_back(uint8_t(crc));
  f.push_back(uint8_t(crc >> 8));
  return f;
}

struct FakeUart : urja::Uart {
  std::vector<uint8_t> sent;
  std::deque<uint8_t> reply;
  bool write_ok = true;
  void flush_input() override {}
  bool write(const uint8_t* d, size_t n) override {
    sent.assign(d, d + n);
    return write_ok;
  }
  size_t read(uint8_t* out, size_t cap, uint32_t) override {
    size_t n = 0;
    while (n < cap && !reply.empty()) {
      out[n++] = reply.front();
      reply.pop_front();
    }
    return n;
  }
};

}  // namespace

TEST(Modbus, Crc16MatchesCatalogueAndKnownPzemRequests) {
  const uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(urja::modbus_crc16(check, 9), 0x4B37);  // CRC-16/MODBUS check value
  uint8_t req[8];
  urja::pzem_read_request(0x01, req);
  const uint8_t want1[8] = {0x01, 0x04, 0x00, 0x00, 0x00, 0x0A, 0x70, 0x0D};
  EXPECT_EQ(std::memcmp(req, want1, 8), 0);
  urja::pzem_read_request(0xF8, req);
  const uint8_t want2[8] = {0xF8, 0x04, 0x00, 0x00, 0x00, 0x0A, 0x64, 0x64};
  EXPECT_EQ(std::memcmp(req, want2, 8), 0);
}

TEST(Pzem, DecodesAndScalesAGoodReply) {
  const auto f = good_reply();
  urja::PzemRegisters r{};
  ASSERT_EQ(urja::pzem_parse_reply(0x01, f.data(), f.size(), r), SensorError::None);
  EXPECT_EQ(r.voltage_dv, 2305);
  EXPECT_EQ(r.current_ma, 4350u);
  EXPECT_EQ(r.power_dw, 10025u);
  EXPECT_EQ(r.energy_wh, 123456u);
  EXPECT_EQ(r.frequency_dhz, 500);
  EXPECT_EQ(r.power_factor_pct, 99);
  EXPECT_EQ(r.alarm, 0);

  FakeUart uart;
  uart.reply.assign(f.begin(), f.end());
  urja::Pzem004t pzem(uart, 0x01);
  Measurement m{};
  ASSERT_EQ(pzem.read(m), SensorError::None);
  EXPECT_EQ(m.power_mw, 1002500);
  EXPECT_EQ(m.voltage_mv, 230500u);
  EXPECT_EQ(m.current_ma, 4350);
  EXPECT_EQ(uart.sent.size(), 8u);

  urja::Pzem004t import_side(uart, 0xF8, -1);  // general address accepts any replier
  uart.reply.assign(f.begin(), f.end());
  ASSERT_EQ(import_side.read(m), SensorError::None);
  EXPECT_EQ(m.power_mw, -1002500);
}

TEST(Pzem, EveryTruncationIsAnError) {
  const auto f = good_reply();
  for (size_t len = 0; len < f.size(); ++len) {
    urja::PzemRegisters r{};
    const SensorError e = urja::pzem_parse_reply(0x01, f.data(), len, r);
    EXPECT_EQ(e, len == 0 ? SensorError::Timeout : SensorError::Truncated) << len;
    FakeUart uart;
    uart.reply.assign(f.begin(), f.begin() + long(len));
    urja::Pzem004t pzem(uart, 0x01);
    Measurement m{7, 7, 7};
    EXPECT_NE(pzem.read(m), SensorError::None) << len;
    EXPECT_EQ(m.power_mw, 7) << "no bogus reading on error";
  }
}

TEST(Pzem, EverySingleBitFlipIsRejected) {
  const auto good = good_reply();
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto f = good;
      f[i] ^= uint8_t(1 << bit);
      urja::PzemRegisters r{};
      EXPECT_NE(urja::pzem_parse_reply(0x01, f.data(), f.size(), r), SensorError::None)
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST(Pzem, NamedErrorsForMalformedFrames) {
  urja::PzemRegisters r{};
  auto wrong_addr = good_reply(0x02);
  EXPECT_EQ(urja::pzem_parse_reply(0x01, wrong_addr.data(), wrong_addr.size(), r),
            SensorError::BadAddress);
  auto trailing = good_reply();
  trailing.push_back(0x00);
  EXPECT_EQ(urja::pzem_parse_reply(0x01, trailing.data(), trailing.size(), r),
            SensorError::TrailingBytes);

  std::vector<uint8_t> exc = {0x01, 0x84, 0x02};
  uint16_t crc = urja::modbus_crc16(exc.data(), 3);
  exc.push_back(uint8_t(crc));
  exc.push_back(uint8_t(crc >> 8));
  uint8_t code = 0;
  EXPECT_EQ(urja::pzem_parse_reply(0x01, exc.data(), exc.size(), r, &code),
            SensorError::DeviceException);
  EXPECT_EQ(code, 0x02);

  std::vector<uint8_t> count = {0x01, 0x04, 0x02, 0x09, 0x01};
  crc = urja::modbus_crc16(count.data(), count.size());
  count.push_back(uint8_t(crc));
  count.push_back(uint8_t(crc >> 8));
  EXPECT_EQ(urja::pzem_parse_reply(0x01, count.data(), count.size(), r),
            SensorError::BadByteCount);

  auto func = good_reply();
  func[1] = 0x03;
  crc = urja::modbus_crc16(func.data(), 23);
  func[23] = uint8_t(crc);
  func[24] = uint8_t(crc >> 8);
  EXPECT_EQ(urja::pzem_parse_reply(0x01, func.data(), func.size(), r), SensorError::BadFunction);

  auto pf = good_reply();
  pf[20] = 0xC8;  // power factor 2.00
  crc = urja::modbus_crc16(pf.data(), 23);
  pf[23] = uint8_t(crc);
  pf[24] = uint8_t(crc >> 8);
  EXPECT_EQ(urja::pzem_parse_reply(0x01, pf.data(), pf.size(), r), SensorError::BadValue);

  FakeUart uart;
  uart.write_ok = false;
  urja::Pzem004t pzem(uart, 0x01);
  Measurement m{};
  EXPECT_EQ(pzem.read(m), SensorError::BusError);
  EXPECT_STREQ(urja::sensor_error_name(SensorError::BadCrc), "CRC-16 mismatch");
}

namespace {

// Emulates the INA219 register file, with knobs for the failure modes.
struct FakeIna : urja::I2cBus {
  std::map<uint8_t, uint16_t> regs;
  bool nack = false;
  size_t short_read_reg = 0xFF;
  bool write(uint8_t addr, const uint8_t* d, size_t n) override {
    if (nack || addr != 0x40 || n != 3) return false;
    regs[d[0]] = uint16_t(d[1] << 8 | d[2]);
    return true;
  }
  size_t write_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t n) override {
    if (nack || addr != 0x40) return 0;
    const uint16_t v = regs[reg];
    out[0] = uint8_t(v >> 8);
    if (n > 1) out[1] = uint8_t(v);
    return reg == short_read_reg ? 1 : n;
  }
};

}  // namespace

TEST(Ina219, CalibrationFollowsTheDatasheet) {
  urja::Ina219Calibration c{};
  urja::Ina219Config cfg;
  cfg.max_current_ma = 3276;  // LSB exactly 100 uA: datasheet example, Cal = 4096
  ASSERT_TRUE(urja::ina219_calibration(cfg, c));
  EXPECT_EQ(c.current_lsb_ua, 100u);
  EXPECT_EQ(c.power_lsb_uw, 2000u);
  EXPECT_EQ(c.cal, 4096);
  cfg.shunt_micro_ohm = 100;  // 0.1 mohm with a 100 uA LSB would need Cal > 16 bits
  EXPECT_FALSE(urja::ina219_calibration(cfg, c));
  cfg.shunt_micro_ohm = 0;
  EXPECT_FALSE(urja::ina219_calibration(cfg, c));
}

TEST(Ina219, ReadsSignedPowerAndRecoversLostCalibration) {
  FakeIna bus;
  urja::Ina219Config cfg;
  cfg.max_current_ma = 3276;
  urja::Ina219 ina(bus, cfg);
  ASSERT_EQ(ina.begin(), SensorError::None);
  EXPECT_EQ(bus.regs[0x00], 0x399F);
  EXPECT_EQ(bus.regs[0x05], 4096);
  bus.regs[0x02] = uint16_t((12000 / 4) << 3 | 0x2);  // 12 V, conversion ready
  bus.regs[0x04] = 10000;                             // 1.000 A
  bus.regs[0x03] = 6000;                              // 12 W / 2 mW
  Measurement m{};
  ASSERT_EQ(ina.read(m), SensorError::None);
  EXPECT_EQ(m.voltage_mv, 12000u);
  EXPECT_EQ(m.current_ma, 1000);
  EXPECT_EQ(m.power_mw, 12000);
  bus.regs[0x04] = uint16_t(-10000);
  ASSERT_EQ(ina.read(m), SensorError::None);
  EXPECT_EQ(m.current_ma, -1000);
  EXPECT_EQ(m.power_mw, -12000);

  bus.regs[0x05] = 0;  // brown-out reset: the chip would now read zero current
  Measurement kept{1, 1, 1};
  EXPECT_EQ(ina.read(kept), SensorError::NotCalibrated);
  EXPECT_EQ(kept.power_mw, 1);
  ASSERT_EQ(ina.read(m), SensorError::None);  // reprogrammed on the next read
  EXPECT_EQ(bus.regs[0x05], 4096);
}

TEST(Ina219, NamedErrorsForBusFaults) {
  FakeIna bus;
  urja::Ina219 ina(bus, urja::Ina219Config{});
  ASSERT_EQ(ina.begin(), SensorError::None);
  Measurement m{5, 5, 5};
  bus.regs[0x02] = uint16_t((5000 / 4) << 3 | 0x3);  // overflow flag
  EXPECT_EQ(ina.read(m), SensorError::Overflow);
  bus.regs[0x02] = uint16_t((5000 / 4) << 3);
  bus.short_read_reg = 0x04;
  EXPECT_EQ(ina.read(m), SensorError::Truncated);
  bus.short_read_reg = 0xFF;
  bus.nack = true;
  EXPECT_EQ(ina.read(m), SensorError::BusError);
  EXPECT_EQ(m.power_mw, 5);
  EXPECT_EQ(urja::sample(ina).valid, false);

  FakeIna stuck;  // a chip that ignores the configuration write
  struct Ignoring : FakeIna {
    bool write(uint8_t, const uint8_t*, size_t) override { return true; }
  } ignoring;
  urja::Ina219 bad(ignoring, urja::Ina219Config{});
  EXPECT_EQ(bad.begin(), SensorError::ConfigMismatch);
  urja::Ina219Config reset_bit;
  reset_bit.config = 0x8000;
  urja::Ina219 r(stuck, reset_bit);
  EXPECT_EQ(r.begin(), SensorError::BadConfig);
}
