//! SEP-41 kWh energy token (1 unit = 1 Wh).
