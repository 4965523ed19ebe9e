#pragma once
#include "common.h"
typedef uint32_t nvs_handle_t; enum { NVS_READWRITE };
esp_err_t nvs_open(const char*, int, nvs_handle_t*); esp_err_t nvs_get_blob(nvs_handle_t, const char*, void*, size_t*); esp_err_t nvs_set_blob(nvs_handle_t, const char*, const void*, size_t); esp_err_t nvs_commit(nvs_handle_t); void nvs_close(nvs_handle_t);
