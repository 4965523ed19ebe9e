// One libmosquitto connection shared by many virtual meters (the simulator's transport):
// each meter gets a Publisher whose PUBACKs are routed back to its own forwarder.
#pragma once

#include <mosquitto.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "urja/forwarder.hpp"

namespace urja::host {

/// The shared connection. Single-threaded: call loop() from the thread that drives meters.
class MqttLink {
 public:
  /// Does not connect yet; throws std::runtime_error if libmosquitto cannot start.
  MqttLink(std::string host, int port, std::string client_id, std::string user = "",
           std::string password = "");
  ~MqttLink();
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  /// A Publisher for one meter; `fwd` receives that meter's acknowledgements.
  Publisher& add_meter();
  /// Routes acks of the i-th publisher (added in order) to `fwd`.
  void bind(size_t index, Forwarder* fwd);
  /// Processes network events for up to `timeout_ms` and dispatches callbacks.
  void loop(int timeout_ms, uint32_t now_ms);
  /// Whether the CONNACK arrived and the session is up.
  bool connected() const { return connected_; }
  /// Starts a connection attempt unless one is up or under way.
  void ensure_connected();
  /// Publishes QoS 1; false if libmosquitto refused (not connected...).
  bool publish(size_t index, const char* topic, const char* payload, size_t len, int& mid);
  /// Connection attempts made so far.
  uint32_t attempts() const { return attempts_; }

 private:
  struct Port;
  static void on_connect(mosquitto*, void*, int rc);
  static void on_disconnect(mosquitto*, void*, int rc);
  static void on_publish(mosquitto*, void*, int mid);

  void fresh_client();

  mosquitto* mosq_ = nullptr;
  std::string host_;
  int port_;
  std::string client_id_, user_, password_;
  bool stale_ = false;
  bool connected_ = false;
  bool connecting_ = false;
  uint32_t attempts_ = 0;
  uint32_t now_ms_ = 0;
  std::vector<std::unique_ptr<Port>> ports_;
  std::vector<Forwarder*> fwds_;
  std::map<int, size_t> inflight_;  // mid -> meter index
};

}  // namespace urja::host
