// Raw flash partition access (esp_partition on the device, an emulated file on the host).
#pragma once

#include <cstddef>
#include <cstdint>

namespace urja {

/// A NOR-flash partition: erase sets a whole sector to 0xFF, write can only clear bits.
class FlashPartition {
 public:
  virtual ~FlashPartition() = default;
  /// Partition size in bytes (a multiple of sector_size()).
  virtual size_t size() const = 0;
  /// Erase granularity (4096 on the ESP32).
  virtual size_t sector_size() const = 0;
  /// Reads bytes; false on an I/O error.
  virtual bool read(size_t offset, uint8_t* out, size_t n) = 0;
  /// Programs bytes (bitwise AND into the current content); false on error or power loss.
  virtual bool write(size_t offset, const uint8_t* data, size_t n) = 0;
  /// Erases one sector; false on error or power loss.
  virtual bool erase_sector(size_t sector) = 0;
};

}  // namespace urja
