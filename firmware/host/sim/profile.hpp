// The simulator's profile file: which virtual meters to run and how they behave.
//
// Format, one directive per line, '#' starts a comment:
//   community <name>                      MQTT topic community (default "local")
//   broker <host> <port>                  MQTT broker (default 127.0.0.1 1883)
//   slot_secs <n>                         market slot length (default 900)
//   meter <kind> count=<n> [peak_w=<w>] [load_w=<w>] [noise_pct=<p>] [dropout_pct=<p>]
// <kind> is "solar" (a PV donor: clear-sky bell curve between 06:00 and 18:00 UTC, minus
// household load) or "consumer" (load only, so import). Unknown directives or keys are errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace urja::sim {

/// One group of identical virtual meters.
struct MeterGroup {
  std::string kind;
  uint32_t count = 1;
  int32_t peak_w = 3000;
  int32_t load_w = 400;
  uint32_t noise_pct = 10;
  uint32_t dropout_pct = 0;
};

/// A parsed profile.
struct Profile {
  std::string community = "local";
  std::string broker_host = "127.0.0.1";
  int broker_port = 1883;
  uint32_t slot_secs = 900;
  std::vector<MeterGroup> groups;
};

/// Parses profile text; throws std::runtime_error("profile line N: ...") on bad input.
Profile parse_profile(const std::string& text);

}  // namespace urja::sim
