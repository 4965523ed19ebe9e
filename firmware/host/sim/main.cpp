// urja-meter-sim: runs the firmware's portable core for many virtual meters from a profile
// file and publishes their sealed slots to the relayer's MQTT broker.
//
// Each virtual meter behaves like a device: its ed25519 seed is generated on first start
// ("first boot") into <state>/meter-NNN.seed, its store-and-forward ring lives in an emulated
// flash partition file <state>/meter-NNN.ring, and its public keys are listed in
// <state>/meters.tsv for registration. Every slot is signed for the market domain given with
// --domain (what a device is provisioned with; `urja meter register` prints it). Time is
// virtual: --start/--seconds choose the window and --speed how fast it runs (0 = as fast as
// possible), so a day can be replayed quickly.
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "emulated_flash.hpp"
#include "mqtt_link.hpp"
#include "profile.hpp"
#include "urja/hex.hpp"
#include "urja/meter.hpp"
#include "urja/payload.hpp"

namespace {

using urja::sim::MeterGroup;

constexpr size_t kPartitionBytes = 48 * 4096;  // as firmware/partitions.csv

struct SimClock : urja::Clock {
  uint32_t mono = 0;
  int64_t unix = 0;
  uint32_t mono_ms() override { return mono; }
  bool unix_ms(int64_t& out) override {
    out = unix;
    return true;
  }
};

// A virtual sensor driven by the profile: clear-sky PV bell curve minus household load.
struct ProfileSensor : urja::PowerSensor {
  MeterGroup g;
  SimClock& clock;
  uint64_t rng;
  ProfileSensor(MeterGroup grp, SimClock& c, uint64_t seed) : g(std::move(grp)), clock(c), rng(seed | 1) {}
  uint32_t next() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return uint32_t(rng >> 11);
  }
  urja::SensorError read(urja::Measurement& m) override {
    if (g.dropout_pct && next() % 100 < g.dropout_pct) return urja::SensorError::Timeout;
    const double tod = double((clock.unix / 1000) % 86400) / 3600.0;  // hours, UTC
    double pv = 0;
    if (g.kind == "solar" && tod > 6 && tod < 18) {
      const double x = (tod - 12) / 6;  // -1..1
      pv = g.peak_w * (1 - x * x) * (1 - x * x);
    }
    const double noise = 1.0 + (double(int32_t(next() % 2001) - 1000) / 1000.0) * g.noise_pct / 100.0;
    const double watts = pv * noise - g.load_w;
    m.power_mw = int32_t(watts * 1000);
    m.voltage_mv = 230000;
    m.current_ma = int32_t(watts * 1000 / 230);
    return urja::SensorError::None;
  }
  const char* name() const override { return "profile"; }
};

struct VirtualMeter {
  std::string kind;
  urja::MeterKey key;
  std::unique_ptr<urja::host::EmulatedFlash> flash;
  std::unique_ptr<urja::SlotRing> ring;
  std::unique_ptr<ProfileSensor> sensor;
  std::unique_ptr<urja::Forwarder> fwd;
  std::unique_ptr<urja::Meter> meter;
};

// Loads the meter's seed, generating it on first start (what the device does in NVS).
urja::MeterKey load_or_create_key(const std::string& path, bool& created) {
  uint8_t seed[32];
  std::ifstream in(path, std::ios::binary);
  created = false;
  if (in) {
    in.read(reinterpret_cast<char*>(seed), 32);
    if (in.gcount() != 32) throw std::runtime_error(path + ": a seed file must hold 32 bytes");
  } else {
    randombytes_buf(seed, sizeof seed);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(seed), 32);
    if (!out) throw std::runtime_error("cannot write " + path);
    chmod(path.c_str(), 0600);
    created = true;
  }
  urja::MeterKey k = urja::MeterKey::from_seed(seed);
  sodium_memzero(seed, sizeof seed);
  return k;
}

std::string hex(const uint8_t* b, size_t n) {
  std::string s(2 * n + 1, '\0');
  urja::hex_encode(b, n, s.data());
  s.resize(2 * n);
  return s;
}

// Deterministic meter message for cross-language checks (seed 0..31, fixed salt).
int print_vector(uint64_t slot, const uint8_t domain[32]) {
  uint8_t seed[32];
  for (int i = 0; i < 32; ++i) seed[i] = uint8_t(i);
  const urja::MeterKey key = urja::MeterKey::from_seed(seed);
  urja::SlotReadings r{};
  r.slot = slot;
  for (size_t i = 0; i < urja::kReadingsPerSlot; ++i) {
    r.export_wh[i] = uint16_t((slot * 31 + i * 17) % 50);
    r.import_wh[i] = uint16_t(i);
  }
  uint8_t salt[32];
  for (int i = 0; i < 32; ++i) salt[i] = uint8_t(0x5A ^ i);
  salt[0] &= 0x1F;
  urja::SlotRecord rec;
  urja::seal_slot_with_salt(r, key, domain, salt, rec);
  char buf[urja::kPayloadMax];
  const size_t n = urja::format_payload(rec, key.public_key, buf, sizeof buf);
  std::cout << std::string(buf, n) << "\n";
  return 0;
}

void usage() {
  std::cerr << "usage: urja-meter-sim --profile FILE --state DIR --domain HEX [--start UNIX_S]\n"
               "                      [--seconds N] [--speed X] [--linger S] [--broker HOST:PORT]\n"
               "                      [--user U --password P] [--backoff-max-ms MS] [--progress]\n"
               "       urja-meter-sim --vector --domain HEX [--slot N]\n"
               "--domain: the market's 32-byte domain, 64 hex digits (`urja meter register`)\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string profile_path, state, broker, user, password, domain_hex;
    int64_t start_s = -1, seconds = 3600, linger = 0;
    double speed = 1.0;
    uint32_t backoff_max_ms = 300000;
    bool vector = false, progress = false;
    uint64_t slot = 1234567;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto val = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--profile") profile_path = val();
      else if (a == "--state") state = val();
      else if (a == "--start") start_s = std::stoll(val());
      else if (a == "--seconds") seconds = std::stoll(val());
      else if (a == "--speed") speed = std::stod(val());
      else if (a == "--linger") linger = std::stoll(val());
      else if (a == "--broker") broker = val();
      else if (a == "--user") user = val();
      else if (a == "--password") password = val();
      else if (a == "--backoff-max-ms") backoff_max_ms = uint32_t(std::stoul(val()));
      else if (a == "--vector") vector = true;
      else if (a == "--progress") progress = true;
      else if (a == "--slot") slot = std::stoull(val());
      else if (a == "--domain") domain_hex = val();
      else if (a == "-h" || a == "--help") { usage(); return 0; }
      else throw std::runtime_error("unknown option " + a);
    }
    if (!urja::crypto_init()) throw std::runtime_error("libsodium failed to initialise");
    if (!vector && (profile_path.empty() || state.empty())) {
      usage();
      return 2;
    }
    uint8_t domain[32];
    if (domain_hex.empty()) {
      throw std::runtime_error("--domain is required: the market domain every slot is signed for");
    }
    if (!urja::hex_decode(domain_hex.c_str(), domain, 32)) {
      throw std::runtime_error("--domain: expected 64 hex digits, got '" + domain_hex + "'");
    }
    if (vector) return print_vector(slot, domain);
    std::ifstream pf(profile_path);
    if (!pf) throw std::runtime_error("cannot read profile " + profile_path);
    std::stringstream ss;
    ss << pf.rdbuf();
    urja::sim::Profile prof = urja::sim::parse_profile(ss.str());
    if (!broker.empty()) {
      const size_t colon = broker.rfind(':');
      if (colon == std::string::npos) throw std::runtime_error("--broker must be HOST:PORT");
      prof.broker_host = broker.substr(0, colon);
      prof.broker_port = std::stoi(broker.substr(colon + 1));
    }
    mkdir(state.c_str(), 0700);

    SimClock clock;
    const auto real_now = std::chrono::system_clock::now().time_since_epoch();
    clock.unix = start_s >= 0 ? start_s * 1000
                              : std::chrono::duration_cast<std::chrono::milliseconds>(real_now).count();
    clock.mono = 0xFFFF0000u;  // wrap early, as a long-running device would

    urja::host::MqttLink link(prof.broker_host, prof.broker_port,
                              "urja-meter-sim-" + std::to_string(::getpid()), user, password);
    std::vector<std::unique_ptr<VirtualMeter>> meters;
    std::ofstream tsv(state + "/meters.tsv");
    tsv << "index\tkind\tmeter_id\n";
    urja::BackoffConfig backoff;
    backoff.max_ms = backoff_max_ms;
    urja::EnergyConfig ecfg;
    ecfg.slot_secs = prof.slot_secs;
    for (const MeterGroup& g : prof.groups) {
      for (uint32_t k = 0; k < g.count; ++k) {
        auto vm = std::make_unique<VirtualMeter>();
        char name[32];
        std::snprintf(name, sizeof name, "meter-%03zu", meters.size());
        bool created = false;
        vm->kind = g.kind;
        vm->key = load_or_create_key(state + "/" + name + ".seed", created);
        vm->flash = std::make_unique<urja::host::EmulatedFlash>(kPartitionBytes, 4096,
                                                               state + "/" + name + ".ring");
        vm->ring = std::make_unique<urja::SlotRing>(*vm->flash);
        if (vm->ring->open() != urja::RingError::None) throw std::runtime_error("ring open failed");
        uint64_t seed = 0;
        std::memcpy(&seed, vm->key.public_key, 8);
        vm->sensor = std::make_unique<ProfileSensor>(g, clock, seed);
        urja::Publisher& pub = link.add_meter();
        vm->fwd = std::make_unique<urja::Forwarder>(*vm->ring, pub, vm->key.public_key,
                                                    prof.community.c_str(), backoff);
        link.bind(meters.size(), vm->fwd.get());
        vm->meter =
            std::make_unique<urja::Meter>(*vm->sensor, clock, *vm->ring, vm->key, domain, ecfg);
        const std::string id = hex(vm->key.public_key, 32);
        std::cout << name << " " << g.kind << " " << id << (created ? " (new key)" : "")
                  << " pending=" << vm->ring->pending() << "\n";
        tsv << meters.size() << "\t" << g.kind << "\t" << id << "\n";
        meters.push_back(std::move(vm));
      }
    }
    tsv.close();
    std::cout.flush();

    // Forwarders and MQTT run on real (network) time; metering runs on virtual time.
    const auto t0 = std::chrono::steady_clock::now();
    auto net_ms = [&] {
      return uint32_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0).count());
    };
    for (int64_t s = 0; s < seconds; ++s) {
      for (auto& vm : meters) {
        vm->meter->tick();
        vm->fwd->poll(net_ms());
      }
      link.loop(0, net_ms());
      if (progress && (s + 1) % 3600 == 0) std::cout << "virtual-hour " << (s + 1) / 3600 << std::endl;
      clock.mono += 1000;
      clock.unix += 1000;
      if (speed > 0) {
        std::this_thread::sleep_until(t0 + std::chrono::microseconds(int64_t(double(s + 1) * 1e6 / speed)));
      }
    }
    // Linger: keep forwarding in real time until every ring is empty.
    auto pending = [&] {
      size_t n = 0;
      for (auto& vm : meters) n += vm->ring->pending() + (vm->fwd->in_flight() ? 1 : 0);
      return n;
    };
    const auto l0 = std::chrono::steady_clock::now();
    while (pending() > 0 && std::chrono::steady_clock::now() - l0 < std::chrono::seconds(linger)) {
      for (auto& vm : meters) vm->fwd->poll(net_ms());
      link.loop(link.connected() ? 50 : 0, net_ms());
      if (!link.connected()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    uint64_t sealed = 0, acked = 0, published = 0, dropouts = 0, dropped = 0, store_err = 0;
    for (auto& vm : meters) {
      sealed += vm->meter->stats().slots_sealed;
      dropouts += vm->meter->stats().dropouts;
      store_err += vm->meter->stats().store_errors;
      acked += vm->fwd->stats().acked;
      published += vm->fwd->stats().published;
      dropped += vm->ring->dropped();
    }
    std::cout << "{\"meters\":" << meters.size() << ",\"slots_sealed\":" << sealed
              << ",\"published\":" << published << ",\"acked\":" << acked
              << ",\"pending\":" << pending() << ",\"dropped\":" << dropped
              << ",\"store_errors\":" << store_err << ",\"sensor_dropouts\":" << dropouts
              << ",\"connect_attempts\":" << link.attempts() << "}" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "urja-meter-sim: " << e.what() << "\n";
    return 1;
  }
}
