#pragma once
#include "common.h"
typedef struct { int x; } wifi_init_config_t;
#define WIFI_INIT_CONFIG_DEFAULT() {0}
typedef struct { struct { uint8_t ssid[32]; uint8_t password[64]; } sta; } wifi_config_t;
enum { WIFI_MODE_STA, WIFI_IF_STA };
extern esp_event_base_t WIFI_EVENT; enum { WIFI_EVENT_STA_DISCONNECTED = 5 };
esp_err_t esp_wifi_init(const wifi_init_config_t*); esp_err_t esp_wifi_set_mode(int); esp_err_t esp_wifi_set_config(int, wifi_config_t*); esp_err_t esp_wifi_start(); esp_err_t esp_wifi_connect();
