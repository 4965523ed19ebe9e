"""Typed contract clients generated from each contract's spec (`tools/gen_py_clients.py`,
`make py-clients`): never edited by hand. `urja.bindings` routes their calls through
`urja.chain.Chain`."""
