#pragma once
#include "common.h"
int64_t esp_timer_get_time();
