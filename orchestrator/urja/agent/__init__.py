"""Households' agents: forecasts, home batteries and flexible loads, order strategies.

One module per job: `units` (kWh, currency per kWh, local clock times), `tariff` (the grid's
slab tariff and feed-in rate), `devices` (battery and deferrable load specifications),
`forecast` (PV and load forecasts and the seasonal-naive baseline), `schedule` (the HiGHS LP
that schedules battery and deferrable load), `strategy` (fixed limits, linear ramp,
cost-minimising), `household` (one agent: forecast, schedule, orders), `sim` (simulated PV
and load after `urja.fleet`), `scenarios` (the same day under four market set-ups, cleared
with the real matching engine), `service` (`urja agent run` against the chain) and
`commands` (the `urja agent` and `urja report` commands). docs/agents.md describes them.
"""
