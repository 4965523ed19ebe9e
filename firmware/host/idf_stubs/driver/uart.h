#pragma once
#include "../common.h"
typedef int uart_port_t;
enum { UART_DATA_8_BITS, UART_PARITY_DISABLE, UART_STOP_BITS_1, UART_HW_FLOWCTRL_DISABLE, UART_SCLK_DEFAULT };
#define UART_PIN_NO_CHANGE -1
typedef struct { int baud_rate; int data_bits; int parity; int stop_bits; int flow_ctrl; int source_clk; } uart_config_t;
esp_err_t uart_driver_install(uart_port_t, int, int, int, void*, int);
esp_err_t uart_param_config(uart_port_t, const uart_config_t*);
esp_err_t uart_set_pin(uart_port_t, int, int, int, int);
esp_err_t uart_flush_input(uart_port_t);
int uart_write_bytes(uart_port_t, const void*, size_t);
esp_err_t uart_wait_tx_done(uart_port_t, TickType_t);
int uart_read_bytes(uart_port_t, void*, uint32_t, TickType_t);
