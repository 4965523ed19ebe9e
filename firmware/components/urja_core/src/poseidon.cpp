#include "urja/poseidon.hpp"

namespace urja {
namespace detail {

struct PoseidonParams {
  unsigned t;
  unsigned full_rounds;
  unsigned partial_rounds;
  const Fr::Limbs* rc;   // (full + partial) * t, round-major
  const Fr::Limbs* mds;  // t * t, row-major
};

#include "poseidon_constants.inc"

}  // namespace detail

namespace {

inline Fr pow5(const Fr& x) {
  const Fr x2 = x * x;
  const Fr x4 = x2 * x2;
  return x4 * x;
}

}  // namespace

bool poseidon(const Fr* inputs, size_t n, Fr& out) {
  if (n < 1 || n > kPoseidonMaxInputs) return false;
  const detail::PoseidonParams& p = detail::kParams[n - 1];
  const unsigned t = p.t;
  Fr state[kPoseidonMaxInputs + 1];
  Fr next[kPoseidonMaxInputs + 1];
  state[0] = Fr::zero();
  for (size_t i = 0; i < n; ++i) state[i + 1] = inputs[i];

  const unsigned half = p.full_rounds / 2;
  const unsigned rounds = p.full_rounds + p.partial_rounds;
  for (unsigned r = 0; r < rounds; ++r) {
    const Fr::Limbs* rc = p.rc + size_t(r) * t;
    for (unsigned i = 0; i < t; ++i) state[i] = state[i] + Fr::from_mont(rc[i]);
    if (r < half || r >= half + p.partial_rounds) {
      for (unsigned i = 0; i < t; ++i) state[i] = pow5(state[i]);
    } else {
      state[0] = pow5(state[0]);
    }
    for (unsigned i = 0; i < t; ++i) {
      const Fr::Limbs* row = p.mds + size_t(i) * t;
      Fr acc = Fr::from_mont(row[0]) * state[0];
      for (unsigned j = 1; j < t; ++j) acc = acc + Fr::from_mont(row[j]) * state[j];
      next[i] = acc;
    }
    for (unsigned i = 0; i < t; ++i) state[i] = next[i];
  }
  out = state[0];
  return true;
}

}  // namespace urja
