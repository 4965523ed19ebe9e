// Slot timing, mirroring contracts/market/src/clock.rs (the market's params are the source).

/** Start, gate (orders close) and end of `slot` under market params `m`. */
export function times(m, slot) {
  const start = slot * m.slot_secs;
  return { start, gate: Math.max(0, start - m.gate_lead_secs), end: start + m.slot_secs };
}

/** Slots still taking orders at chain time `now`, at least `lead` seconds before their gate. */
export function openSlots(m, now, count = 6, lead = 0) {
  const out = [];
  let s = Math.floor(now / m.slot_secs) + 1;
  const last = Math.floor(now / m.slot_secs) + m.horizon_slots;
  while (out.length < count && s <= last) {
    if (times(m, s).gate - lead > now) out.push(s);
    s += 1;
  }
  return out;
}

/** Why a slot cannot take an order now, or null when it can. */
export function orderProblem(m, now, slot) {
  if (!Number.isInteger(slot) || slot < 0) return "Choose a delivery slot.";
  if (times(m, slot).gate <= now) return "This slot has closed for orders.";
  if (slot > Math.floor(now / m.slot_secs) + m.horizon_slots)
    return "This slot is too far ahead to order yet.";
  return null;
}
