// Forwards sealed slots from the flash ring to the MQTT broker, oldest first, one in flight,
// with exponential backoff; a slot leaves the ring only after the broker's PUBACK.
//
// Why: "every slot arrives, in order, none twice" after an outage needs exactly this
// discipline; the transport (esp-mqtt on the device, libmosquitto in the simulator, a fake in
// the tests) sits behind the Publisher interface and reports acknowledgements back.
#pragma once

#include <cstddef>
#include <cstdint>

#include "urja/payload.hpp"
#include "urja/ring.hpp"

namespace urja {

/// A QoS-1 MQTT client as the forwarder needs it.
class Publisher {
 public:
  virtual ~Publisher() = default;
  /// Whether a broker session is up.
  virtual bool connected() = 0;
  /// Starts (re)connecting if not connected; cheap to call often.
  virtual void ensure_connected() = 0;
  /// Queues a QoS-1 publish; false if it could not be queued. `msg_id` identifies the PUBACK.
  virtual bool publish(const char* topic, const char* payload, size_t len, int& msg_id) = 0;
};

/// Retry timing (milliseconds of the monotonic clock).
struct BackoffConfig {
  uint32_t initial_ms = 1000;
  uint32_t max_ms = 300000;      ///< five minutes
  uint32_t ack_timeout_ms = 15000;
};

/// Counters for logs and tests.
struct ForwarderStats {
  uint32_t published = 0;  ///< publishes started (including retries)
  uint32_t acked = 0;      ///< slots acknowledged and released from the ring
  uint32_t failures = 0;   ///< failed or timed-out attempts
};

/// The forwarder. Not thread-safe: call poll/on_ack/on_connection_lost from one task.
class Forwarder {
 public:
  /// `community` must satisfy community_is_valid(); check valid() after construction.
  Forwarder(SlotRing& ring, Publisher& pub, const uint8_t meter_id[32], const char* community,
            BackoffConfig cfg = BackoffConfig{});
  /// Whether the topic could be built from the community name.
  bool valid() const { return topic_len_ > 0; }
  /// Drives publishing; call at least once per second with the monotonic time.
  void poll(uint32_t now_ms);
  /// The broker acknowledged `msg_id`.
  void on_ack(int msg_id, uint32_t now_ms);
  /// The session dropped: any publish in flight counts as failed.
  void on_connection_lost(uint32_t now_ms);
  /// Counters.
  const ForwarderStats& stats() const { return stats_; }
  /// Whether a publish is waiting for its PUBACK.
  bool in_flight() const { return in_flight_; }

 private:
  void fail(uint32_t now_ms);
  void schedule_retry(uint32_t now_ms);

  SlotRing& ring_;
  Publisher& pub_;
  uint8_t meter_id_[32];
  BackoffConfig cfg_;
  char topic_[kTopicMax];
  size_t topic_len_;
  bool in_flight_ = false;
  int msg_id_ = 0;
  uint64_t in_flight_slot_ = 0;
  uint32_t sent_at_ = 0;
  uint32_t next_try_ = 0;
  bool waiting_ = false;
  bool waiting_for_session_ = false;  // the last failure was "not connected"
  uint32_t delay_ms_;
  uint32_t jitter_state_;
  ForwarderStats stats_;
};

}  // namespace urja
