#include "esp_io.hpp"

#include <sys/time.h>

#include "esp_log.h"
#include "esp_timer.h"
#include "esp_sntp.h"

namespace urja::esp {
namespace {
const char* TAG = "urja-io";

struct MqttEvent {
  bool disconnected;
  int msg_id;
};
}  // namespace

EspUart::EspUart(uart_port_t port, int tx_gpio, int rx_gpio) : port_(port) {
  uart_config_t cfg = {};
  cfg.baud_rate = 9600;
  cfg.data_bits = UART_DATA_8_BITS;
  cfg.parity = UART_PARITY_DISABLE;
  cfg.stop_bits = UART_STOP_BITS_1;
  cfg.flow_ctrl = UART_HW_FLOWCTRL_DISABLE;
  cfg.source_clk = UART_SCLK_DEFAULT;
  ESP_ERROR_CHECK(uart_driver_install(port_, 256, 0, 0, nullptr, 0));
  ESP_ERROR_CHECK(uart_param_config(port_, &cfg));
  ESP_ERROR_CHECK(uart_set_pin(port_, tx_gpio, rx_gpio, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE));
}

void EspUart::flush_input() { uart_flush_input(port_); }

bool EspUart::write(const uint8_t* data, size_t n) {
  return uart_write_bytes(port_, data, n) == int(n) &&
         uart_wait_tx_done(port_, pdMS_TO_TICKS(100)) == ESP_OK;
}

size_t EspUart::read(uint8_t* out, size_t cap, uint32_t timeout_ms) {
  const int n = uart_read_bytes(port_, out, cap, pdMS_TO_TICKS(timeout_ms));
  return n < 0 ? 0 : size_t(n);
}

EspI2c::EspI2c(int sda_gpio, int scl_gpio, uint8_t device_addr) : addr_(device_addr) {
  i2c_master_bus_config_t bus = {};
  bus.i2c_port = I2C_NUM_0;
  bus.sda_io_num = gpio_num_t(sda_gpio);
  bus.scl_io_num = gpio_num_t(scl_gpio);
  bus.clk_source = I2C_CLK_SRC_DEFAULT;
  bus.glitch_ignore_cnt = 7;
  bus.flags.enable_internal_pullup = true;
  ESP_ERROR_CHECK(i2c_new_master_bus(&bus, &bus_));
  i2c_device_config_t dev = {};
  dev.dev_addr_length = I2C_ADDR_BIT_LEN_7;
  dev.device_address = device_addr;
  dev.scl_speed_hz = 100000;
  ESP_ERROR_CHECK(i2c_master_bus_add_device(bus_, &dev, &dev_));
}

bool EspI2c::write(uint8_t addr, const uint8_t* data, size_t n) {
  if (addr != addr_) return false;
  return i2c_master_transmit(dev_, data, n, 50) == ESP_OK;
}

size_t EspI2c::write_read(uint8_t addr, uint8_t reg, uint8_t* out, size_t n) {
  if (addr != addr_) return 0;
  return i2c_master_transmit_receive(dev_, &reg, 1, out, n, 50) == ESP_OK ? n : 0;
}

EspFlash::EspFlash(const char* label)
    : part_(esp_partition_find_first(ESP_PARTITION_TYPE_DATA, esp_partition_subtype_t(0x40),
                                     label)) {}

size_t EspFlash::size() const { return part_ ? part_->size : 0; }

bool EspFlash::read(size_t offset, uint8_t* out, size_t n) {
  return part_ && esp_partition_read(part_, offset, out, n) == ESP_OK;
}

bool EspFlash::write(size_t offset, const uint8_t* data, size_t n) {
  return part_ && esp_partition_write(part_, offset, data, n) == ESP_OK;
}

bool EspFlash::erase_sector(size_t sector) {
  return part_ && esp_partition_erase_range(part_, sector * 4096, 4096) == ESP_OK;
}

uint32_t EspClock::mono_ms() { return uint32_t(esp_timer_get_time() / 1000); }

volatile bool EspClock::synced = false;

void EspClock::on_sntp_sync(struct timeval*) { synced = true; }

bool EspClock::unix_ms(int64_t& out) {
  if (!synced) return false;  // no energy is claimed before the first SNTP synchronisation
  timeval tv;
  gettimeofday(&tv, nullptr);
  out = int64_t(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
  return true;
}

EspMqtt::EspMqtt(const char* uri, const char* username, const char* password,
                 const char* client_id) {
  events_ = xQueueCreate(32, sizeof(MqttEvent));
  esp_mqtt_client_config_t cfg = {};
  cfg.broker.address.uri = uri;
  cfg.credentials.username = username;
  cfg.credentials.client_id = client_id;
  cfg.credentials.authentication.password = password;
  cfg.session.disable_clean_session = false;
  cfg.network.disable_auto_reconnect = false;
  client_ = esp_mqtt_client_init(&cfg);
  esp_mqtt_client_register_event(client_, esp_mqtt_event_id_t(ESP_EVENT_ANY_ID), on_event, this);
}

bool EspMqtt::connected() { return connected_; }

void EspMqtt::ensure_connected() {
  if (!started_) started_ = esp_mqtt_client_start(client_) == ESP_OK;  // reconnects itself
}

bool EspMqtt::publish(const char* topic, const char* payload, size_t len, int& msg_id) {
  if (!connected_) return false;
  msg_id = esp_mqtt_client_publish(client_, topic, payload, int(len), 1, 0);
  return msg_id > 0;
}

void EspMqtt::on_event(void* self, esp_event_base_t, int32_t id, void* data) {
  auto* m = static_cast<EspMqtt*>(self);
  auto* ev = static_cast<esp_mqtt_event_handle_t>(data);
  MqttEvent out{false, 0};
  switch (esp_mqtt_event_id_t(id)) {
    case MQTT_EVENT_CONNECTED:
      m->connected_ = true;
      ESP_LOGI(TAG, "MQTT connected");
      return;
    case MQTT_EVENT_DISCONNECTED:
      m->connected_ = false;
      out.disconnected = true;
      break;
    case MQTT_EVENT_PUBLISHED:
      out.msg_id = ev->msg_id;
      break;
    default:
      return;
  }
  xQueueSend(m->events_, &out, 0);
}

void EspMqtt::drain(Forwarder& fwd, uint32_t now_ms) {
  MqttEvent ev;
  while (xQueueReceive(events_, &ev, 0) == pdTRUE) {
    if (ev.disconnected) {
      fwd.on_connection_lost(now_ms);
    } else {
      fwd.on_ack(ev.msg_id, now_ms);
    }
  }
}

}  // namespace urja::esp
