#pragma once
#include "../common.h"
typedef struct q* QueueHandle_t;
QueueHandle_t xQueueCreate(int, size_t);
BaseType_t xQueueSend(QueueHandle_t, const void*, TickType_t);
BaseType_t xQueueReceive(QueueHandle_t, void*, TickType_t);
