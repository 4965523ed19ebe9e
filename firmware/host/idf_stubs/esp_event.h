#pragma once
#include "common.h"
typedef void (*esp_event_handler_t)(void*, esp_event_base_t, int32_t, void*);
esp_err_t esp_event_loop_create_default();
esp_err_t esp_event_handler_register(esp_event_base_t, int32_t, esp_event_handler_t, void*);
