#pragma once
#include <stdio.h>
#define ESP_LOGI(tag, ...) printf(__VA_ARGS__)
#define ESP_LOGW(tag, ...) printf(__VA_ARGS__)
#define ESP_LOGE(tag, ...) printf(__VA_ARGS__)
