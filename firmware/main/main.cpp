// Urja meter application (ESP32, ESP-IDF). Wires the portable core (components/urja_core)
// to the hardware: sensor on UART or I2C, the urja_ring flash partition, SNTP time, Wi-Fi and
// esp-mqtt. Every second: sample, integrate, and at each slot end seal (Poseidon commitment,
// ed25519 signature) and store; then forward stored slots, oldest first, until acknowledged.
#include <cstdio>
#include <cstring>
#include <memory>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_random.h"
#include "esp_sntp.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs.h"
#include "nvs_flash.h"
#include "sodium.h"

#include "esp_io.hpp"
#include "urja/delivery.hpp"
#include "urja/forwarder.hpp"
#include "urja/hex.hpp"
#include "urja/meter.hpp"
#include "urja/ring.hpp"

namespace {

const char* TAG = "urja";

// Loads the ed25519 seed from (encrypted) NVS, generating it on first boot.
urja::MeterKey load_or_create_key() {
  nvs_handle_t h;
  ESP_ERROR_CHECK(nvs_open("urja", NVS_READWRITE, &h));
  uint8_t seed[32];
  size_t len = sizeof seed;
  esp_err_t err = nvs_get_blob(h, "seed", seed, &len);
  if (err == ESP_ERR_NVS_NOT_FOUND) {
    esp_fill_random(seed, sizeof seed);  // hardware RNG (RF subsystem on: Wi-Fi started first)
    ESP_ERROR_CHECK(nvs_set_blob(h, "seed", seed, sizeof seed));
    ESP_ERROR_CHECK(nvs_commit(h));
    ESP_LOGW(TAG, "first boot: generated a new meter key");
  } else {
    ESP_ERROR_CHECK(err);
    if (len != sizeof seed) {
      ESP_LOGE(TAG, "NVS seed has %u bytes, expected 32: refusing to run", unsigned(len));
      abort();
    }
  }
  nvs_close(h);
  urja::MeterKey key = urja::MeterKey::from_seed(seed);
  sodium_memzero(seed, sizeof seed);
  return key;
}

// The market domain this meter signs for (docs/firmware.md, "Provisioning a meter"): the
// 32-byte NVS blob `urja/domain` when present (written at the bench), else the 64 hex digits
// of CONFIG_URJA_MARKET_DOMAIN. Without a valid one the meter refuses to run: a slot signed
// for no market, or the wrong one, could never be delivered.
void load_domain(uint8_t domain[32]) {
  nvs_handle_t h;
  ESP_ERROR_CHECK(nvs_open("urja", NVS_READWRITE, &h));
  size_t len = 32;
  esp_err_t err = nvs_get_blob(h, "domain", domain, &len);
  nvs_close(h);
  if (err == ESP_OK && len == 32) return;
  if (err == ESP_OK) {
    ESP_LOGE(TAG, "NVS domain has %u bytes, expected 32: refusing to run", unsigned(len));
    abort();
  }
  if (err != ESP_ERR_NVS_NOT_FOUND) ESP_ERROR_CHECK(err);
  if (!urja::hex_decode(CONFIG_URJA_MARKET_DOMAIN, domain, 32)) {
    ESP_LOGE(TAG, "no market domain: set 'Market domain' (64 hex digits from `urja meter "
                  "register`) in menuconfig or write NVS urja/domain; refusing to run");
    abort();
  }
}

void start_wifi() {
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&init));
  wifi_config_t cfg = {};
  std::strncpy(reinterpret_cast<char*>(cfg.sta.ssid), CONFIG_URJA_WIFI_SSID, sizeof cfg.sta.ssid);
  std::strncpy(reinterpret_cast<char*>(cfg.sta.password), CONFIG_URJA_WIFI_PASSWORD,
               sizeof cfg.sta.password);
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &cfg));
  ESP_ERROR_CHECK(esp_event_handler_register(
      WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED,
      [](void*, esp_event_base_t, int32_t, void*) { esp_wifi_connect(); }, nullptr));
  ESP_ERROR_CHECK(esp_wifi_start());
  esp_wifi_connect();
}

void start_sntp() {
  esp_sntp_setoperatingmode(ESP_SNTP_OPMODE_POLL);
  esp_sntp_setservername(0, CONFIG_URJA_SNTP_SERVER);
  sntp_set_time_sync_notification_cb(urja::esp::EspClock::on_sntp_sync);
  esp_sntp_init();
}

std::unique_ptr<urja::PowerSensor> make_sensor() {
#if CONFIG_URJA_SENSOR_IMPORT
  const int sign = -1;
#else
  const int sign = +1;
#endif
#if CONFIG_URJA_SENSOR_PZEM
  static urja::esp::EspUart uart(uart_port_t(CONFIG_URJA_PZEM_UART), CONFIG_URJA_PZEM_TX_GPIO,
                                 CONFIG_URJA_PZEM_RX_GPIO);
  return std::make_unique<urja::Pzem004t>(uart, urja::kPzemGeneralAddress, sign);
#else
  urja::Ina219Config cfg;
  cfg.shunt_micro_ohm = CONFIG_URJA_INA219_SHUNT_MICRO_OHM;
  cfg.max_current_ma = CONFIG_URJA_INA219_MAX_CURRENT_MA;
  cfg.sign = sign;
  static urja::esp::EspI2c bus(CONFIG_URJA_I2C_SDA_GPIO, CONFIG_URJA_I2C_SCL_GPIO, cfg.address);
  auto ina = std::make_unique<urja::Ina219>(bus, cfg);
  const urja::SensorError e = ina->begin();
  if (e != urja::SensorError::None) {
    ESP_LOGE(TAG, "INA219: %s (will retry on every read)", urja::sensor_error_name(e));
  }
  return ina;
#endif
}

}  // namespace

extern "C" void app_main() {
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    // Never erase silently: that would destroy the meter key registered on-chain.
    ESP_LOGE(TAG, "NVS needs erasing (%s); re-provision the meter", esp_err_to_name(err));
  }
  ESP_ERROR_CHECK(err);
  if (!urja::crypto_init()) {
    ESP_LOGE(TAG, "libsodium init failed");
    abort();
  }
  start_wifi();
  static urja::MeterKey key = load_or_create_key();
  char id[65];
  urja::hex_encode(key.public_key, 32, id);
  // Printed on every boot for registration (`urja meter register ... <meter_id>`).
  std::printf("URJA_METER_ID=%s\n", id);
  static uint8_t domain[32];
  load_domain(domain);
  char domain_hex[65];
  urja::hex_encode(domain, 32, domain_hex);
  // Printed so the installer can compare it with what `urja meter register` showed.
  std::printf("URJA_DOMAIN=%s\n", domain_hex);
  start_sntp();

  static urja::esp::EspFlash flash("urja_ring");
  if (!flash.valid()) {
    ESP_LOGE(TAG, "partition urja_ring missing: flash partitions.csv");
    abort();
  }
  static urja::SlotRing ring(flash);
  const urja::RingError re = ring.open();
  if (re != urja::RingError::None) {
    ESP_LOGE(TAG, "ring: %s", urja::ring_error_name(re));
    abort();
  }
  ESP_LOGI(TAG, "ring: %u slots pending, capacity %u", unsigned(ring.pending()),
           unsigned(ring.capacity()));

  static urja::esp::EspClock clock;
  static std::unique_ptr<urja::PowerSensor> sensor = make_sensor();
  char client_id[24];
  std::snprintf(client_id, sizeof client_id, "urja-%.16s", id);
  static urja::esp::EspMqtt mqtt(CONFIG_URJA_MQTT_URI, CONFIG_URJA_MQTT_USERNAME,
                                 CONFIG_URJA_MQTT_PASSWORD, client_id);
  static urja::Forwarder fwd(ring, mqtt, key.public_key, CONFIG_URJA_COMMUNITY);
  if (!fwd.valid()) {
    ESP_LOGE(TAG, "community name '%s' is not usable in a topic", CONFIG_URJA_COMMUNITY);
    abort();
  }
  urja::EnergyConfig ecfg;
  ecfg.slot_secs = CONFIG_URJA_SLOT_SECS;
  static urja::Meter meter(*sensor, clock, ring, key, domain, ecfg);
  mqtt.ensure_connected();

  TickType_t wake = xTaskGetTickCount();
  uint32_t sealed = 0;
  for (;;) {
    meter.tick();
    const uint32_t now = clock.mono_ms();
    mqtt.drain(fwd, now);
    fwd.poll(now);
    const urja::MeterStats& st = meter.stats();
    if (st.slots_sealed != sealed) {
      sealed = st.slots_sealed;
      ESP_LOGI(TAG, "slot %llu sealed; pending %u, dropouts %u (last: %s), store errors %u",
               (unsigned long long)meter.last_sealed().slot, unsigned(ring.pending()),
               unsigned(st.dropouts), urja::sensor_error_name(st.last_sensor_error),
               unsigned(st.store_errors));
    }
    vTaskDelayUntil(&wake, pdMS_TO_TICKS(1000));
  }
}
