#include "urja/forwarder.hpp"

#include <cstring>

namespace urja {

Forwarder::Forwarder(SlotRing& ring, Publisher& pub, const uint8_t meter_id[32],
                     const char* community, BackoffConfig cfg)
    : ring_(ring), pub_(pub), cfg_(cfg), delay_ms_(cfg.initial_ms) {
  std::memcpy(meter_id_, meter_id, 32);
  topic_len_ = format_topic(community, meter_id, topic_, sizeof topic_);
  // Per-meter jitter so a community's meters do not reconnect in lockstep.
  jitter_state_ = uint32_t(meter_id[0]) | uint32_t(meter_id[1]) << 8 |
                  uint32_t(meter_id[2]) << 16 | uint32_t(meter_id[3]) << 24 | 1u;
}

void Forwarder::fail(uint32_t now_ms) {
  in_flight_ = false;
  ++stats_.failures;
  schedule_retry(now_ms);
}

void Forwarder::schedule_retry(uint32_t now_ms) {
  jitter_state_ = jitter_state_ * 1664525u + 1013904223u;
  const uint32_t jitter = delay_ms_ / 4 ? (jitter_state_ >> 8) % (delay_ms_ / 4) : 0;
  next_try_ = now_ms + delay_ms_ + jitter;
  waiting_ = true;
  delay_ms_ = delay_ms_ >= cfg_.max_ms / 2 ? cfg_.max_ms : delay_ms_ * 2;
}

void Forwarder::poll(uint32_t now_ms) {
  if (!valid()) return;
  if (in_flight_) {
    if (uint32_t(now_ms - sent_at_) >= cfg_.ack_timeout_ms) fail(now_ms);
    return;
  }
  if (ring_.pending() == 0) return;
  // Waiting only for the broker to come back? Then go as soon as the session is up.
  const bool session_back = waiting_for_session_ && pub_.connected();
  if (waiting_ && !session_back && int32_t(now_ms - next_try_) < 0) return;
  if (!pub_.connected()) {
    pub_.ensure_connected();
    if (!pub_.connected()) {
      fail(now_ms);
      waiting_for_session_ = true;
      return;
    }
  }
  waiting_for_session_ = false;
  SlotRecord r;
  if (ring_.peek(r) != RingError::None) return;
  char payload[kPayloadMax];
  const size_t len = format_payload(r, meter_id_, payload, sizeof payload);
  int id = 0;
  if (len == 0 || !pub_.publish(topic_, payload, len, id)) {
    fail(now_ms);  // the broker refused while connected: back off in earnest
    return;
  }
  ++stats_.published;
  in_flight_ = true;
  in_flight_slot_ = r.slot;
  msg_id_ = id;
  sent_at_ = now_ms;
}

void Forwarder::on_ack(int msg_id, uint32_t now_ms) {
  if (!in_flight_ || msg_id != msg_id_) return;  // a late PUBACK of an abandoned attempt
  in_flight_ = false;
  SlotRecord r;
  // Release only the record that was published (the ring cannot have changed its tail).
  if (ring_.peek(r) == RingError::None && r.slot == in_flight_slot_ &&
      ring_.ack() == RingError::None) {
    ++stats_.acked;
  }
  waiting_ = false;
  delay_ms_ = cfg_.initial_ms;
  (void)now_ms;
}

void Forwarder::on_connection_lost(uint32_t now_ms) {
  if (in_flight_) fail(now_ms);  // its PUBACK will never come; republish after backoff
}

}  // namespace urja
