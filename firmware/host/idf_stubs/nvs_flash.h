#pragma once
#include "common.h"
esp_err_t nvs_flash_init();
