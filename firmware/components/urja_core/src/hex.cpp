#include "urja/hex.hpp"

#include <cstring>

namespace urja {

void hex_encode(const uint8_t* in, size_t n, char* out) {
  static const char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[in[i] >> 4];
    out[2 * i + 1] = kDigits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

namespace {
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool hex_decode(const char* in, uint8_t* out, size_t n) {
  if (in == nullptr || std::strlen(in) != 2 * n) return false;
  for (size_t i = 0; i < n; ++i) {
    const int hi = nibble(in[2 * i]);
    const int lo = nibble(in[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = uint8_t(hi << 4 | lo);
  }
  return true;
}

}  // namespace urja
