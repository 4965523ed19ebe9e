// Host emulation of a NOR-flash partition, optionally backed by a file, with power-cut
// injection for the torn-write tests and the simulator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "urja/flash.hpp"

namespace urja::host {

/// Emulated partition: erase sets 0xFF, write ANDs bits in (like NOR flash), every change is
/// written through to `path` if one is given (so a simulator restart finds its ring again).
class EmulatedFlash : public FlashPartition {
 public:
  /// An erased partition of `size` bytes in memory, or loaded from/created at `path`.
  /// A file of another size is an error (throws std::runtime_error naming the file).
  explicit EmulatedFlash(size_t size, size_t sector = 4096, std::string path = "");

  size_t size() const override { return bytes_.size(); }
  size_t sector_size() const override { return sector_; }
  bool read(size_t offset, uint8_t* out, size_t n) override;
  bool write(size_t offset, const uint8_t* data, size_t n) override;
  bool erase_sector(size_t sector) override;

  /// Power fails after `bytes` more bytes are programmed or erased: the operation in
  /// progress stops part-way and every later operation fails until power_on().
  void cut_power_after(size_t bytes) { budget_ = bytes; armed_ = true; }
  /// Restores power (the emulated reboot).
  void power_on() { armed_ = false; dead_ = false; }
  /// Direct view for tests.
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  bool spend(size_t& n);
  void persist(size_t offset, size_t n);

  std::vector<uint8_t> bytes_;
  size_t sector_;
  std::string path_;
  size_t budget_ = 0;
  bool armed_ = false;
  bool dead_ = false;
};

}  // namespace urja::host
