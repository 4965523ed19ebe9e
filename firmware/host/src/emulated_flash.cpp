#include "emulated_flash.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace urja::host {

EmulatedFlash::EmulatedFlash(size_t size, size_t sector, std::string path)
    : bytes_(size, 0xFF), sector_(sector), path_(std::move(path)) {
  if (sector_ == 0 || size % sector_ != 0) {
    throw std::runtime_error("emulated flash: size must be a multiple of the sector size");
  }
  if (path_.empty()) return;
  std::ifstream in(path_, std::ios::binary);
  if (in) {
    in.seekg(0, std::ios::end);
    if (size_t(in.tellg()) != size) {
      throw std::runtime_error("emulated flash: " + path_ + " has size " +
                               std::to_string(size_t(in.tellg())) + ", expected " +
                               std::to_string(size));
    }
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes_.data()), std::streamsize(size));
  } else {
    persist(0, size);
  }
}

void EmulatedFlash::persist(size_t offset, size_t n) {
  if (path_.empty() || n == 0) return;
  std::FILE* f = std::fopen(path_.c_str(), "r+b");
  if (!f) f = std::fopen(path_.c_str(), "w+b");
  if (!f) throw std::runtime_error("emulated flash: cannot open " + path_);
  std::fseek(f, long(offset), SEEK_SET);
  std::fwrite(bytes_.data() + offset, 1, n, f);
  std::fclose(f);
}

bool EmulatedFlash::spend(size_t& n) {
  if (dead_) return false;
  if (!armed_) return true;
  if (n <= budget_) {
    budget_ -= n;
    return true;
  }
  n = budget_;
  budget_ = 0;
  dead_ = true;
  return false;
}

bool EmulatedFlash::read(size_t offset, uint8_t* out, size_t n) {
  if (dead_ || offset > bytes_.size() || n > bytes_.size() - offset) return false;
  std::copy(bytes_.begin() + long(offset), bytes_.begin() + long(offset + n), out);
  return true;
}

bool EmulatedFlash::write(size_t offset, const uint8_t* data, size_t n) {
  if (offset > bytes_.size() || n > bytes_.size() - offset) return false;
  size_t done = n;
  const bool ok = spend(done);
  for (size_t i = 0; i < done; ++i) bytes_[offset + i] &= data[i];
  persist(offset, done);
  return ok;
}

bool EmulatedFlash::erase_sector(size_t sector) {
  if (sector >= bytes_.size() / sector_) return false;
  size_t done = sector_;
  const bool ok = spend(done);
  for (size_t i = 0; i < done; ++i) bytes_[sector * sector_ + i] = 0xFF;
  persist(sector * sector_, done);
  return ok;
}

}  // namespace urja::host
