#include "profile.hpp"

#include <sstream>
#include <stdexcept>

#include "urja/payload.hpp"

namespace urja::sim {
namespace {

[[noreturn]] void fail(int line, const std::string& what) {
  throw std::runtime_error("profile line " + std::to_string(line) + ": " + what);
}

long number(int line, const std::string& key, const std::string& v, long lo, long hi) {
  size_t used = 0;
  long n = 0;
  try {
    n = std::stol(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || v.empty()) fail(line, key + " must be an integer, got '" + v + "'");
  if (n < lo || n > hi) {
    fail(line, key + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return n;
}

}  // namespace

Profile parse_profile(const std::string& text) {
  Profile p;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const size_t hash = raw.find('#');
    if (hash != std::string::npos) raw.resize(hash);
    std::istringstream words(raw);
    std::string cmd;
    if (!(words >> cmd)) continue;
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    if (cmd == "community") {
      if (args.size() != 1 || !community_is_valid(args[0].c_str())) {
        fail(line, "community takes one name of 1-64 characters [A-Za-z0-9_.-]");
      }
      p.community = args[0];
    } else if (cmd == "broker") {
      if (args.size() != 2) fail(line, "broker takes <host> <port>");
      p.broker_host = args[0];
      p.broker_port = int(number(line, "port", args[1], 1, 65535));
    } else if (cmd == "slot_secs") {
      if (args.size() != 1) fail(line, "slot_secs takes one integer");
      p.slot_secs = uint32_t(number(line, "slot_secs", args[0], 15, 86400));
      if (p.slot_secs % 15) fail(line, "slot_secs must be a multiple of 15");
    } else if (cmd == "meter") {
      if (args.empty() || (args[0] != "solar" && args[0] != "consumer")) {
        fail(line, "meter kind must be 'solar' or 'consumer'");
      }
      MeterGroup g;
      g.kind = args[0];
      for (size_t i = 1; i < args.size(); ++i) {
        const size_t eq = args[i].find('=');
        if (eq == std::string::npos) fail(line, "expected key=value, got '" + args[i] + "'");
        const std::string k = args[i].substr(0, eq), v = args[i].substr(eq + 1);
        if (k == "count") g.count = uint32_t(number(line, k, v, 1, 10000));
        else if (k == "peak_w") g.peak_w = int32_t(number(line, k, v, 0, 1000000));
        else if (k == "load_w") g.load_w = int32_t(number(line, k, v, 0, 1000000));
        else if (k == "noise_pct") g.noise_pct = uint32_t(number(line, k, v, 0, 100));
        else if (k == "dropout_pct") g.dropout_pct = uint32_t(number(line, k, v, 0, 100));
        else fail(line, "unknown meter key '" + k + "'");
      }
      p.groups.push_back(g);
    } else {
      fail(line, "unknown directive '" + cmd + "'");
    }
  }
  if (p.groups.empty()) throw std::runtime_error("profile: no 'meter' line");
  return p;
}

}  // namespace urja::sim
