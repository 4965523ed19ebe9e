#pragma once
#include "common.h"
void esp_fill_random(void*, size_t);
