#pragma once
#include "common.h"
typedef void (*sntp_sync_time_cb_t)(struct timeval*);
enum { ESP_SNTP_OPMODE_POLL };
void esp_sntp_setoperatingmode(int); void esp_sntp_setservername(int, const char*); void esp_sntp_init();
void sntp_set_time_sync_notification_cb(sntp_sync_time_cb_t);
