// ESP-IDF implementations of the core's hardware interfaces: UART, I2C, flash partition,
// clock (esp_timer + SNTP) and the esp-mqtt publisher.
#pragma once

#include "driver/i2c_master.h"
#include "driver/uart.h"
#include "esp_partition.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "mqtt_client.h"
#include "urja/energy.hpp"
#include "urja/flash.hpp"
#include "urja/forwarder.hpp"
#include "urja/ina219.hpp"
#include "urja/pzem.hpp"

namespace urja::esp {

/// UART for the PZEM-004T (9600 8N1).
class EspUart : public Uart {
 public:
  /// Installs the driver on `port` with the given pins.
  EspUart(uart_port_t port, int tx_gpio, int rx_gpio);
  void flush_input() override;
  bool write(const uint8_t* data, size_t n) override;
  size_t read(uint8_t* out, size_t cap, uint32_t timeout_ms) override;

 private:
  uart_port_t port_;
};

/// I2C master bus for the INA219 (100 kHz).
class EspI2c : public I2cBus {
 public:
  EspI2c(int sda_gpio, int scl_gpio, uint8_t device_addr);
  bool write(uint8_t addr, const uint8_t* data, size_t n) override;
  size_t write_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t n) override;

 private:
  i2c_master_bus_handle_t bus_ = nullptr;
  i2c_master_dev_handle_t dev_ = nullptr;
  uint8_t addr_;
};

/// The urja_ring data partition.
class EspFlash : public FlashPartition {
 public:
  /// Finds the partition by label; valid() is false if the table lacks it.
  explicit EspFlash(const char* label);
  bool valid() const { return part_ != nullptr; }
  size_t size() const override;
  size_t sector_size() const override { return 4096; }
  bool read(size_t offset, uint8_t* out, size_t n) override;
  bool write(size_t offset, const uint8_t* data, size_t n) override;
  bool erase_sector(size_t sector) override;

 private:
  const esp_partition_t* part_;
};

/// esp_timer for the monotonic clock, the system time (set by SNTP) for the wall clock.
class EspClock : public Clock {
 public:
  uint32_t mono_ms() override;
  bool unix_ms(int64_t& out) override;
  /// SNTP notification callback (sntp_set_time_sync_notification_cb).
  static void on_sntp_sync(struct timeval* tv);
  /// Set once SNTP has synchronised since boot.
  static volatile bool synced;
};

/// esp-mqtt client. Its events arrive on the MQTT task and are queued; drain() hands them to
/// the forwarder on the metering task, so the forwarder stays single-threaded.
class EspMqtt : public Publisher {
 public:
  EspMqtt(const char* uri, const char* username, const char* password, const char* client_id);
  bool connected() override;
  void ensure_connected() override;
  bool publish(const char* topic, const char* payload, size_t len, int& msg_id) override;
  /// Delivers queued PUBACK/disconnect events to `fwd`.
  void drain(Forwarder& fwd, uint32_t now_ms);

 private:
  static void on_event(void* self, esp_event_base_t base, int32_t id, void* data);
  esp_mqtt_client_handle_t client_;
  QueueHandle_t events_;
  volatile bool connected_ = false;
  bool started_ = false;
};

}  // namespace urja::esp
