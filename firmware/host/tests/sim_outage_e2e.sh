#!/usr/bin/env bash
# End-to-end over a real broker: urja-meter-sim meters a community for 26 virtual hours while
# mosquitto is down for the first 24; then the broker comes up and every slot must arrive,
# in order per meter, none twice, each accepted by the orchestrator's Python checks.
# Usage: sim_outage_e2e.sh BUILD_DIR SOURCE_DIR   (ctest passes them; exit 77 = skipped)
set -euo pipefail
BUILD=$1
SRC=$2
command -v mosquitto >/dev/null || { echo "mosquitto not installed"; exit 77; }
PY=python3
[ -x "$SRC/../../.venv/bin/python" ] && PY="$SRC/../../.venv/bin/python"
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/profile.txt" <<P
community e2e-village
meter solar count=3 peak_w=3500 load_w=300 dropout_pct=1
meter consumer count=1 load_w=700
P
cat > "$WORK/mosquitto.conf" <<C
listener $PORT 127.0.0.1
allow_anonymous true
persistence true
user $(id -un)
persistence_location $WORK/
C
broker_up() {
  mosquitto -c "$WORK/mosquitto.conf" >> "$WORK/mosquitto.log" 2>&1 &
  BROKER=$!
  PIDS+=("$BROKER")
}
# The relayer side subscribes with a persistent session, then the broker goes down.
broker_up
"$BUILD/urja-mqtt-collect" --port "$PORT" --id e2e-relayer --subscribe-only 1 --timeout 20 2>/dev/null
kill -TERM "$BROKER"
wait "$BROKER" 2>/dev/null || true
# Any 32-byte market domain: the checker requires every message to be signed for it.
DOMAIN=$(printf 'urja sim_outage_e2e' | sha256sum | cut -c1-64)
# 1790035200 is a slot boundary (00:00 UTC); 26 h = 104 slots per meter, 103 of them closed.
"$BUILD/urja-meter-sim" --profile "$WORK/profile.txt" --state "$WORK/state" --start 1790035200 \
  --seconds $((26 * 3600)) --speed 0 --broker "127.0.0.1:$PORT" --backoff-max-ms 1000 \
  --domain "$DOMAIN" \
  --linger 60 --progress > "$WORK/sim.out" 2> "$WORK/sim.err" &
SIM=$!
PIDS+=("$SIM")
for _ in $(seq 600); do
  grep -q "^virtual-hour 24$" "$WORK/sim.out" && break
  kill -0 "$SIM" 2>/dev/null || break
  sleep 0.1
done
grep -q "^virtual-hour 24$" "$WORK/sim.out" || { cat "$WORK/sim.out" "$WORK/sim.err"; echo "simulator did not reach hour 24"; exit 1; }
broker_up
wait "$SIM" || { cat "$WORK/sim.err"; echo "simulator failed"; exit 1; }
# The relayer comes back and receives what the broker queued for its session.
"$BUILD/urja-mqtt-collect" --port "$PORT" --id e2e-relayer --count $((4 * 103)) --timeout 30 \
  > "$WORK/got.jsonl" 2>/dev/null || { echo "collector got $(wc -l < "$WORK/got.jsonl") messages"; }
tail -1 "$WORK/sim.out"
EXPECT=()
while IFS=$'\t' read -r idx kind id; do
  [ "$idx" = index ] && continue
  EXPECT+=(--expect "$id=103")
done < "$WORK/state/meters.tsv"
# The simulator's own counters: everything acknowledged after the outage, nothing dropped.
grep -q '"slots_sealed":412,"published":412,"acked":412,"pending":0,"dropped":0' "$WORK/sim.out" \
  || { echo "simulator counters unexpected"; exit 1; }
"$PY" "$SRC/tests/check_messages.py" "$WORK/got.jsonl" "${EXPECT[@]}" --domain "$DOMAIN" --prove 8
