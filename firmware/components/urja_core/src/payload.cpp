#include "urja/payload.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "urja/hex.hpp"

namespace urja {

bool community_is_valid(const char* c) {
  if (c == nullptr) return false;
  const size_t n = std::strlen(c);
  if (n == 0 || n > kCommunityMax) return false;
  for (size_t i = 0; i < n; ++i) {
    const char ch = c[i];
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

size_t format_topic(const char* community, const uint8_t meter_id[32], char* out, size_t cap) {
  if (!community_is_valid(community)) return 0;
  char id[65];
  hex_encode(meter_id, 32, id);
  const int n = std::snprintf(out, cap, "urja/%s/meter/%s/slot", community, id);
  return (n < 0 || size_t(n) >= cap) ? 0 : size_t(n);
}

namespace {

// Appends printf output at out[*len]; false once the buffer is exhausted.
template <typename... A>
bool put(char* out, size_t cap, size_t* len, const char* fmt, A... args) {
  if (*len >= cap) return false;
  const int n = std::snprintf(out + *len, cap - *len, fmt, args...);
  if (n < 0 || size_t(n) >= cap - *len) return false;
  *len += size_t(n);
  return true;
}

bool put_array(char* out, size_t cap, size_t* len, const uint16_t* v) {
  bool ok = put(out, cap, len, "[");
  for (size_t i = 0; ok && i < kReadingsPerSlot; ++i) {
    ok = put(out, cap, len, i ? ",%u" : "%u", unsigned(v[i]));
  }
  return ok && put(out, cap, len, "]");
}

}  // namespace

size_t format_payload(const SlotRecord& r, const uint8_t meter_id[32], char* out, size_t cap) {
  char domain[65], id[65], salt[65], c[65], sig[129];
  hex_encode(r.domain, 32, domain);
  hex_encode(meter_id, 32, id);
  hex_encode(r.salt, 32, salt);
  hex_encode(r.commitment, 32, c);
  hex_encode(r.signature, 64, sig);
  size_t len = 0;
  const bool ok = put(out, cap, &len,
                      "{\"v\":2,\"domain\":\"%s\",\"meter\":\"%s\",\"slot\":%" PRIu64
                      ",\"export_wh\":",
                      domain, id, r.slot) &&
                  put_array(out, cap, &len, r.export_wh) &&
                  put(out, cap, &len, ",\"import_wh\":") &&
                  put_array(out, cap, &len, r.import_wh) &&
                  put(out, cap, &len,
                      ",\"salt\":\"%s\",\"commitment\":\"%s\",\"signature\":\"%s\"}", salt, c,
                      sig);
  if (!ok) {
    if (cap) out[0] = '\0';
    return 0;
  }
  return len;
}

}  // namespace urja
