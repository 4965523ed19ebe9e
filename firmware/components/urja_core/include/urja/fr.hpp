// BN254 scalar field Fr in Montgomery form with 32-bit limbs.
//
// Why its own arithmetic: the ESP32 (Xtensa LX6, 32-bit, no __int128) must hash the
// commitment without a bignum library or heap; 8 x 32-bit limbs with 64-bit products
// compile to the same code on the device and on the host.
#pragma once

#include <cstddef>
#include <cstdint>

namespace urja {

/// An element of Fr (r = 0x30644e72...f0000001), kept as a * 2^256 mod r.
struct Fr {
  /// Eight little-endian 32-bit limbs; the table type of the generated constants.
  using Limbs = uint32_t[8];

  uint32_t l[8];

  /// The additive identity.
  static Fr zero();
  /// The multiplicative identity.
  static Fr one();
  /// Converts a small integer (always below r) into the field.
  static Fr from_u64(uint64_t v);
  /// Wraps an element already in Montgomery form (generated tables).
  static Fr from_mont(const Limbs& m);
  /// Parses 32 big-endian bytes; false (out untouched) if the integer is not below r.
  static bool from_bytes_be(const uint8_t in[32], Fr& out);
  /// Writes the canonical integer as 32 big-endian bytes.
  void to_bytes_be(uint8_t out[32]) const;

  /// Sum of row[k] * x[k] for k < n (n <= 17, row in Montgomery form) with a single
  /// Montgomery reduction: the Poseidon MDS product without 16 intermediate reductions.
  static Fr dot(const Limbs* row, const Fr* x, size_t n);

  /// Field addition.
  friend Fr operator+(const Fr& a, const Fr& b);
  /// Field subtraction.
  friend Fr operator-(const Fr& a, const Fr& b);
  /// Field multiplication (Montgomery CIOS).
  friend Fr operator*(const Fr& a, const Fr& b);
  /// Equality of the field elements.
  friend bool operator==(const Fr& a, const Fr& b);
  friend bool operator!=(const Fr& a, const Fr& b) { return !(a == b); }
};

}  // namespace urja
