#pragma once
#include "common.h"
typedef struct mq* esp_mqtt_client_handle_t;
typedef enum { ESP_EVENT_ANY_ID = -1, MQTT_EVENT_CONNECTED = 1, MQTT_EVENT_DISCONNECTED, MQTT_EVENT_PUBLISHED } esp_mqtt_event_id_t;
typedef struct { int msg_id; } esp_mqtt_event_t;
typedef esp_mqtt_event_t* esp_mqtt_event_handle_t;
typedef struct { struct { struct { const char* uri; } address; } broker; struct { const char* username; const char* client_id; struct { const char* password; } authentication; } credentials; struct { bool disable_clean_session; } session; struct { bool disable_auto_reconnect; } network; } esp_mqtt_client_config_t;
typedef void (*esp_event_handler_t)(void*, esp_event_base_t, int32_t, void*);
esp_mqtt_client_handle_t esp_mqtt_client_init(const esp_mqtt_client_config_t*);
esp_err_t esp_mqtt_client_register_event(esp_mqtt_client_handle_t, esp_mqtt_event_id_t, esp_event_handler_t, void*);
esp_err_t esp_mqtt_client_start(esp_mqtt_client_handle_t);
int esp_mqtt_client_publish(esp_mqtt_client_handle_t, const char*, const char*, int, int, int);
