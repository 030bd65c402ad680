#!/usr/bin/env bash
# Runs the end-to-end test against a real campfire-server on a fresh data directory.
# Usage: frontend/e2e/run.sh PATH/TO/campfire-server
# The test restarts the server mid-conversation through CAMPFIRE_RESTART_CMD (SIGKILL, then
# start again on the same data directory and port).
set -euo pipefail
server_bin=$(realpath "$1")
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${CAMPFIRE_E2E_PORT:-3310}
export CAMPFIRE_E2E_SERVER="$server_bin" CAMPFIRE_E2E_WORK="$work" CAMPFIRE_E2E_BIND="127.0.0.1:$port"

# The start script is a file, so the test's restart command (run by /bin/sh) can use it too.
cat > "$work/start.sh" <<'START'
set -eu
setsid "$CAMPFIRE_E2E_SERVER" --data-dir "$CAMPFIRE_E2E_WORK/data" --bind "$CAMPFIRE_E2E_BIND" \
  >> "$CAMPFIRE_E2E_WORK/server.log" 2>&1 < /dev/null &
echo $! > "$CAMPFIRE_E2E_WORK/pid"
for _ in $(seq 1 100); do
  curl -fsS "http://$CAMPFIRE_E2E_BIND/up" > /dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "the server did not start:" >&2; cat "$CAMPFIRE_E2E_WORK/server.log" >&2; exit 1
START
cleanup() { kill -9 "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

bash "$work/start.sh"
export CAMPFIRE_URL="http://$CAMPFIRE_E2E_BIND"
export CAMPFIRE_RESTART_CMD="kill -9 \"\$(cat $work/pid)\"; sleep 0.2; bash $work/start.sh"
node e2e/chat.e2e.mjs
