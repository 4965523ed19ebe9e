// Minimal ESP-IDF declarations for the host type-check of firmware/main (see README.md).
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <sys/time.h>
typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1
#define ESP_ERR_NVS_NO_FREE_PAGES 0x110d
#define ESP_ERR_NVS_NEW_VERSION_FOUND 0x1110
#define ESP_ERR_NVS_NOT_FOUND 0x1102
#define ESP_ERROR_CHECK(x) do { esp_err_t e_ = (x); (void)e_; } while (0)
typedef const char* esp_event_base_t;
typedef uint32_t TickType_t;
typedef int BaseType_t;
#define pdTRUE 1
#define pdMS_TO_TICKS(x) ((TickType_t)(x))
inline const char* esp_err_to_name(esp_err_t) { return ""; }
