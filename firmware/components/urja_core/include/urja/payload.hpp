// The MQTT topic and JSON payload of a meter message (docs/formats.md, "Meter message").
//
// Why: snprintf into a caller buffer keeps the device heap-free and the layout in one place;
// the relayer parses exactly these keys.
#pragma once

#include <cstddef>
#include <cstdint>

#include "urja/slot.hpp"

namespace urja {

/// Upper bound of a payload's length (15 five-digit readings twice plus fixed fields:
/// at most 691 bytes).
constexpr size_t kPayloadMax = 768;
/// Upper bound of a topic's length for a community name of at most 64 bytes.
constexpr size_t kTopicMax = 160;
/// Longest community name accepted in a topic.
constexpr size_t kCommunityMax = 64;

/// True if `community` is 1..64 bytes of [A-Za-z0-9_.-] (no MQTT wildcards or separators).
bool community_is_valid(const char* community);

/// Writes `urja/<community>/meter/<meter_id hex>/slot`; returns its length, or 0 if the
/// community is invalid or the buffer too small.
size_t format_topic(const char* community, const uint8_t meter_id[32], char* out, size_t cap);

/// Writes the JSON meter message; returns its length, or 0 if the buffer is too small.
size_t format_payload(const SlotRecord& r, const uint8_t meter_id[32], char* out, size_t cap);

}  // namespace urja
