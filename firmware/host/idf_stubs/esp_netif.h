#pragma once
#include "common.h"
esp_err_t esp_netif_init(); void* esp_netif_create_default_wifi_sta();
