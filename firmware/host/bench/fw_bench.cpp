// urja-fw-bench: runs one operation N times so bench/firmware.sh can difference callgrind
// instruction counts (N = 0 vs N = K) and get instructions per operation.
//   urja-fw-bench poseidon16|commitment|sign|sha256 N
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "urja/delivery.hpp"
#include "urja/fr.hpp"
#include "urja/poseidon.hpp"

int main(int argc, char** argv) {
  if (argc != 3 || !urja::crypto_init()) {
    std::fprintf(stderr, "usage: urja-fw-bench poseidon16|commitment|sign|sha256 N\n");
    return 2;
  }
  const std::string op = argv[1];
  const long n = std::atol(argv[2]);
  uint8_t seed[32] = {7};
  const urja::MeterKey key = urja::MeterKey::from_seed(seed);
  urja::Fr in[16];
  for (int i = 0; i < 16; ++i) in[i] = urja::Fr::from_u64(uint64_t(i + 1));
  uint16_t readings[15];
  for (int i = 0; i < 15; ++i) readings[i] = uint16_t(i * 37);
  uint8_t salt[32] = {0x1f, 1, 2, 3}, c[32] = {}, sig[64], msg[urja::kDeliveryMessageLen] = {};
  uint8_t acc = 0;
  for (long i = 0; i < n; ++i) {
    if (op == "poseidon16") {
      urja::Fr out;
      urja::poseidon(in, 16, out);
      in[0] = out;
    } else if (op == "commitment") {
      readings[0] = uint16_t(i);
      urja::commitment(readings, salt, c);
    } else if (op == "sign") {
      c[0] = uint8_t(i);
      urja::sign_delivery(key, salt, uint64_t(i), c, sig);
      acc ^= sig[0];
    } else if (op == "sha256") {
      msg[0] = uint8_t(i);
      crypto_hash_sha256(c, msg, sizeof msg);
    } else {
      std::fprintf(stderr, "unknown operation %s\n", op.c_str());
      return 2;
    }
  }
  uint8_t b[32];
  in[0].to_bytes_be(b);
  std::printf("%02x%02x%02x\n", b[0], c[0], acc);  // keep results observable
  return 0;
}
