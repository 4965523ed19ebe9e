// Numbers as households read and type them: energy in kWh, money in the payment asset's own
// unit (prices per kWh), slots as clock times in the community's time zone. The chain and the
// matcher count Wh and the asset's smallest unit per Wh; the conversions live here only
// (the Python side's, in orchestrator/urja/agent/units.py, follow the same rules: both are
// checked against docs/vectors/units.json).

const XLM = { symbol: "XLM", decimals: 7 };

/** Energy in kWh, to the Wh (three decimals at most, trailing zeros dropped). */
export function energy(wh) {
  if (wh === null || wh === undefined) return "–";
  return `${trim((Number(wh) / 1000).toFixed(3))} kWh`;
}

/** Money from base units (stroops for XLM: 10^7 per unit). */
export function money(units, payment = XLM) {
  if (units === null || units === undefined) return "–";
  const v = Number(units) / 10 ** payment.decimals;
  const digits = Math.abs(v) >= 1 ? 2 : Math.min(payment.decimals, 7);
  return `${trim(v.toFixed(digits)) || "0"} ${payment.symbol}`;
}

/** A meter's registered rate (Wh per minute) as power: "6 kW". */
export function power(whPerMinute) {
  return `${trim(((Number(whPerMinute) * 60) / 1000).toFixed(3))} kW`;
}

/** A chain price (base units per Wh) as the asset's unit per kWh: "0.0004 XLM/kWh". */
export function price(unitsPerWh, payment = XLM) {
  if (unitsPerWh === null || unitsPerWh === undefined) return "–";
  return `${perKwhText(unitsPerWh, payment)} ${payment.symbol}/kWh`;
}

/** Shortens an address or hash for display: GABC…WXYZ. */
export function short(s, n = 4) {
  if (!s) return "";
  return s.length <= 2 * n + 1 ? s : `${s.slice(0, n)}…${s.slice(-n)}`;
}

/** A unix time as a clock time in time zone `tz` (the browser's when unset); seconds only
 * when `seconds` (slots shorter than a minute, as in local trials). */
export function clock(unix, tz, seconds = true) {
  return new Date(unix * 1000).toLocaleTimeString("en-GB", {
    timeZone: tz || undefined, hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}),
  });
}

/** Slot `slot` of market `m` as the clock times it covers: "14:30–14:45". */
export function slotTime(m, slot, tz) {
  const s = m.slot_secs < 60 || m.slot_secs % 60 !== 0;
  return `${clock(slot * m.slot_secs, tz, s)}–${clock((slot + 1) * m.slot_secs, tz, s)}`;
}

/** When the order book of `slot` closes, as a clock time. */
export function gateTime(m, slot, tz) {
  const s = m.slot_secs < 60 || m.slot_secs % 60 !== 0;
  return clock(Math.max(0, slot * m.slot_secs - m.gate_lead_secs), tz, s);
}

/** Kilowatt-hours as typed ("0.25") to whole Wh: `{ wh }`, or `{ error }` naming what is
 * wrong. The chain counts whole Wh, so a finer amount is refused rather than rounded. */
export function parseKwh(text) {
  const v = decimal(text, 3);
  if (v === null) return { error: `Energy "${text}" is not an amount of kWh (up to 3 decimals: 1 Wh).` };
  if (v <= 0n) return { error: "Energy must be more than zero." };
  return { wh: Number(v) };
}

/** A price per kWh as typed ("0.0004") in the payment asset's unit, to whole base units per
 * Wh (what the contract takes): `{ unitsPerWh }`, or `{ error }` naming the step allowed. */
export function parsePerKwh(text, payment = XLM) {
  const step = money(1000, payment);
  const v = decimal(text, payment.decimals);
  if (v === null || v % 1000n !== 0n)
    return { error: `Price "${text}" is not a whole number of steps of ${step}/kWh (1 base unit per Wh).` };
  if (v <= 0n) return { error: "Price must be more than zero." };
  return { unitsPerWh: Number(v / 1000n) };
}

/** Whole base units per Wh as the text a household types for it (per kWh). */
export function perKwhText(unitsPerWh, payment = XLM) {
  return trim((Number(unitsPerWh) * 1000 / 10 ** payment.decimals).toFixed(payment.decimals));
}

/** Wh as the kWh text a household types for it. */
export function kwhText(wh) {
  return trim((Number(wh) / 1000).toFixed(3));
}

/** `text` as a non-negative decimal scaled by 10^places (a BigInt), or null. */
function decimal(text, places) {
  const m = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec(String(text ?? ""));
  if (!m || (m[1] === "" && !m[2]) || (m[2] ?? "").length > places) return null;
  return BigInt(m[1] || "0") * 10n ** BigInt(places) + BigInt((m[2] ?? "").padEnd(places, "0") || "0");
}

function trim(s) {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
