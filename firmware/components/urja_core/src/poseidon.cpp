#include "urja/poseidon.hpp"

namespace urja {
namespace detail {

// The permutation in its optimised equivalent form (see gen_poseidon_constants.py): full
// rounds with all constants, partial rounds with one folded constant and a sparse matrix.
struct PoseidonParams {
  unsigned t;
  unsigned full_rounds;
  unsigned partial_rounds;
  const Fr::Limbs* full_rc;     // full_rounds * t, round-major
  const Fr::Limbs* partial_rc;  // partial_rounds scalars
  const Fr::Limbs* mds;         // t * t, row-major
  const Fr::Limbs* pre_sparse;  // t * t: the last first-half full round's matrix
  const Fr::Limbs* sparse;      // partial_rounds * (2t - 1): [m00, v(1..t-1), w(1..t-1)]
};

#include "poseidon_constants.inc"

}  // namespace detail

namespace {

inline Fr pow5(const Fr& x) {
  const Fr x2 = x * x;
  const Fr x4 = x2 * x2;
  return x4 * x;
}

void full_round(Fr* state, Fr* next, unsigned t, const Fr::Limbs* rc, const Fr::Limbs* m) {
  for (unsigned i = 0; i < t; ++i) state[i] = pow5(state[i] + Fr::from_mont(rc[i]));
  for (unsigned i = 0; i < t; ++i) next[i] = Fr::dot(m + size_t(i) * t, state, t);
  for (unsigned i = 0; i < t; ++i) state[i] = next[i];
}

}  // namespace

bool poseidon(const Fr* inputs, size_t n, Fr& out) {
  if (n < 1 || n > kPoseidonMaxInputs) return false;
  const detail::PoseidonParams& p = detail::kParams[n - 1];
  if (p.full_rc == nullptr) return false;  // width not compiled in (device build)
  const unsigned t = p.t;
  Fr state[kPoseidonMaxInputs + 1];
  Fr next[kPoseidonMaxInputs + 1];
  state[0] = Fr::zero();
  for (size_t i = 0; i < n; ++i) state[i + 1] = inputs[i];

  const unsigned half = p.full_rounds / 2;
  for (unsigned r = 0; r < half; ++r) {
    full_round(state, next, t, p.full_rc + size_t(r) * t, r + 1 == half ? p.pre_sparse : p.mds);
  }
  for (unsigned r = 0; r < p.partial_rounds; ++r) {
    const Fr::Limbs* sp = p.sparse + size_t(r) * (2 * t - 1);
    state[0] = pow5(state[0] + Fr::from_mont(p.partial_rc[r]));
    const Fr x0 = state[0];
    state[0] = Fr::dot(sp, state, t);  // m00 * x0 + sum v_j * s_j
    for (unsigned j = 1; j < t; ++j) state[j] = state[j] + Fr::from_mont(sp[t - 1 + j]) * x0;
  }
  for (unsigned r = half; r < p.full_rounds; ++r) {
    full_round(state, next, t, p.full_rc + size_t(r) * t, p.mds);
  }
  out = state[0];
  return true;
}

}  // namespace urja
