// circomlib Poseidon over BN254 Fr (x^5 S-box, 8 full rounds, widths 2..17).
//
// Why: the meter commits to its readings with C = Poseidon(r_1..r_15, salt), the same hash the
// delivery circuit and the contracts use (docs/formats.md). Tables are generated from Urja's
// one parameter file; the state lives on the stack, so hashing never allocates.
#pragma once

#include <cstddef>

#include "urja/fr.hpp"

namespace urja {

/// Largest number of inputs Poseidon accepts here (width 17).
constexpr size_t kPoseidonMaxInputs = 16;

/// Hashes 1..16 field elements into `out`; false if `n` is out of range.
bool poseidon(const Fr* inputs, size_t n, Fr& out);

}  // namespace urja
