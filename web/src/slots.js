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

/** How many consecutive slots an order from `slot` may stand for at chain time `now`: up
 * to the market's horizon (`horizon_slots` past the current slot), as the contract allows
 * (`InvalidSlots` past it). */
export function maxSlotsFrom(m, now, slot) {
  const last = Math.floor(now / m.slot_secs) + m.horizon_slots;
  return Math.max(0, last - slot + 1);
}

/** The choices a household gets for "slots in a row" from `slot`: 1, 2, 4, 8, ... up to
 * what the horizon allows (and the most it allows, if that is not a power of two). */
export function repeatChoices(m, now, slot) {
  const max = maxSlotsFrom(m, now, slot);
  const out = [];
  for (let n = 1; n <= max; n *= 2) out.push(n);
  if (max > 0 && out.at(-1) !== max) out.push(max);
  return out;
}
