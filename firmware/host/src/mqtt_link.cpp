#include "mqtt_link.hpp"

#include <stdexcept>

namespace urja::host {

struct MqttLink::Port : Publisher {
  MqttLink& link;
  size_t index;
  Port(MqttLink& l, size_t i) : link(l), index(i) {}
  bool connected() override { return link.connected(); }
  void ensure_connected() override { link.ensure_connected(); }
  bool publish(const char* topic, const char* payload, size_t len, int& mid) override {
    return link.publish(index, topic, payload, len, mid);
  }
};

MqttLink::MqttLink(std::string host, int port, std::string client_id, std::string user,
                   std::string password)
    : host_(std::move(host)), port_(port), client_id_(std::move(client_id)),
      user_(std::move(user)), password_(std::move(password)) {
  mosquitto_lib_init();
  fresh_client();
}

// A new client per session: libmosquitto would otherwise re-send its own copies of messages
// in flight when the session dropped, while the forwarders re-publish them themselves.
void MqttLink::fresh_client() {
  if (mosq_) mosquitto_destroy(mosq_);
  mosq_ = mosquitto_new(client_id_.c_str(), true, this);
  if (!mosq_) throw std::runtime_error("mqtt: mosquitto_new failed");
  if (!user_.empty() &&
      mosquitto_username_pw_set(mosq_, user_.c_str(), password_.c_str()) != MOSQ_ERR_SUCCESS) {
    throw std::runtime_error("mqtt: cannot set credentials");
  }
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_max_inflight_messages_set(mosq_, 0);
  mosquitto_connect_callback_set(mosq_, on_connect);
  mosquitto_disconnect_callback_set(mosq_, on_disconnect);
  mosquitto_publish_callback_set(mosq_, on_publish);
  stale_ = false;
}

MqttLink::~MqttLink() {
  fwds_.assign(fwds_.size(), nullptr);  // forwarders may already be gone
  if (connected_) mosquitto_disconnect(mosq_);
  mosquitto_destroy(mosq_);
  mosquitto_lib_cleanup();
}

Publisher& MqttLink::add_meter() {
  ports_.push_back(std::make_unique<Port>(*this, ports_.size()));
  fwds_.push_back(nullptr);
  return *ports_.back();
}

void MqttLink::bind(size_t index, Forwarder* fwd) { fwds_.at(index) = fwd; }

void MqttLink::ensure_connected() {
  if (connected_ || connecting_) return;
  if (stale_) fresh_client();
  ++attempts_;
  if (mosquitto_connect(mosq_, host_.c_str(), port_, 30) == MOSQ_ERR_SUCCESS) {
    connecting_ = true;  // CONNACK pending
  } else {
    stale_ = true;
  }
}

bool MqttLink::publish(size_t index, const char* topic, const char* payload, size_t len,
                       int& mid) {
  if (!connected_) return false;
  const int rc = mosquitto_publish(mosq_, &mid, topic, int(len), payload, 1, false);
  if (rc != MOSQ_ERR_SUCCESS) return false;
  inflight_[mid] = index;
  return true;
}

void MqttLink::loop(int timeout_ms, uint32_t now_ms) {
  now_ms_ = now_ms;
  if (!connected_ && !connecting_) return;
  const int rc = mosquitto_loop(mosq_, timeout_ms, 1);
  if (rc != MOSQ_ERR_SUCCESS && (connected_ || connecting_)) {
    // Broker went away without a clean DISCONNECT.
    on_disconnect(mosq_, this, rc);
  }
}

void MqttLink::on_connect(mosquitto*, void* self, int rc) {
  auto* l = static_cast<MqttLink*>(self);
  l->connecting_ = false;
  l->connected_ = rc == 0;
  if (rc != 0) l->stale_ = true;  // refused (bad credentials...): retry with a new client
}

void MqttLink::on_disconnect(mosquitto*, void* self, int) {
  auto* l = static_cast<MqttLink*>(self);
  const bool was = l->connected_ || l->connecting_;
  l->connected_ = false;
  l->connecting_ = false;
  l->stale_ = true;
  if (!was) return;
  l->inflight_.clear();
  for (Forwarder* f : l->fwds_) {
    if (f) f->on_connection_lost(l->now_ms_);
  }
}

void MqttLink::on_publish(mosquitto*, void* self, int mid) {
  auto* l = static_cast<MqttLink*>(self);
  const auto it = l->inflight_.find(mid);
  if (it == l->inflight_.end()) return;
  const size_t index = it->second;
  l->inflight_.erase(it);
  if (Forwarder* f = l->fwds_[index]) f->on_ack(mid, l->now_ms_);
}

}  // namespace urja::host
