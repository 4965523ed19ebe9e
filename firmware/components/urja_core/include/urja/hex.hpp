// Lowercase hex encoding and strict decoding (JSON payloads, key printing, profile files).
#pragma once

#include <cstddef>
#include <cstdint>

namespace urja {

/// Writes 2*n lowercase hex characters and a terminating NUL into `out` (size >= 2n+1).
void hex_encode(const uint8_t* in, size_t n, char* out);

/// Decodes exactly 2*n hex characters (either case) from a NUL-terminated string; false on
/// a wrong length or a non-hex character (out may be partly written).
bool hex_decode(const char* in, uint8_t* out, size_t n);

}  // namespace urja
