// Reads docs/vectors/delivery.json (written by tools/gen_vectors.py) for the tests: the value
// of one key inside one top-level section, as raw JSON text (strings without their quotes).
// Enough for that file's flat layout; not a general JSON parser.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace urja::test {

/// The whole vectors file.
inline const std::string& vectors_text() {
  static const std::string text = [] {
    std::ifstream f(URJA_DELIVERY_VECTORS);
    if (!f) throw std::runtime_error(std::string("missing ") + URJA_DELIVERY_VECTORS);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }();
  return text;
}

/// The value of `key` in section `section` ("delivery", "other_market", "other_network").
inline std::string vector_field(const std::string& section, const std::string& key) {
  const std::string& t = vectors_text();
  const size_t sec = t.find("\"" + section + "\": {");
  if (sec == std::string::npos) throw std::runtime_error("no section " + section);
  const size_t end = t.find('}', sec);
  const size_t at = t.find("\"" + key + "\": ", sec);
  if (at == std::string::npos || at > end) throw std::runtime_error("no key " + key);
  size_t v = at + key.size() + 4;
  if (t[v] == '"') {
    // The payload value contains escaped quotes: find the closing unescaped quote.
    std::string out;
    for (size_t i = v + 1; i < t.size(); ++i) {
      if (t[i] == '\\') {
        out += t[++i];
      } else if (t[i] == '"') {
        return out;
      } else {
        out += t[i];
      }
    }
    throw std::runtime_error("unterminated string for " + key);
  }
  const size_t stop = t[v] == '[' ? t.find(']', v) + 1 : t.find_first_of(",\n}", v);
  return t.substr(v, stop - v);
}

/// A JSON array of integers as a vector.
inline std::vector<uint64_t> vector_ints(const std::string& section, const std::string& key) {
  std::vector<uint64_t> out;
  uint64_t cur = 0;
  bool in = false;
  for (char ch : vector_field(section, key)) {
    if (ch >= '0' && ch <= '9') {
      cur = cur * 10 + uint64_t(ch - '0');
      in = true;
    } else if (in) {
      out.push_back(cur);
      cur = 0;
      in = false;
    }
  }
  return out;
}

}  // namespace urja::test
