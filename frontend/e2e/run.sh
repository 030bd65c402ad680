#!/usr/bin/env bash
# Runs the end-to-end tests against a real campfire-server, each on a fresh data directory.
# Usage: frontend/e2e/run.sh PATH/TO/campfire-server [TEST...]
#   TEST: chat (the conversation), review (the December review's defects and axe-core on every
#   screen), wayback (X7: unread counts, the new-since line, mark unread), phone (a room on a
#   throttled phone: its load time and Lighthouse), xss (the XSS corpus); all five by default,
#   in that order.
# The chat test restarts the server mid-conversation through CAMPFIRE_RESTART_CMD (SIGKILL,
# then start again on the same data directory and port).
# The last line adds up every test's: "e2e: N passed, M failed".
set -euo pipefail
server_bin=$(realpath "$1")
shift
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(chat review wayback phone xss)
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${CAMPFIRE_E2E_PORT:-3310}
export CAMPFIRE_E2E_SERVER="$server_bin" CAMPFIRE_E2E_WORK="$work" CAMPFIRE_E2E_BIND="127.0.0.1:$port"

# The start script is a file, so the test's restart command (run by /bin/sh) can use it too.
cat > "$work/start.sh" <<'START'
set -eu
# A small file limit, so the over-the-limit step needs no 100 MB file.
export CAMPFIRE_MAX_FILE_SIZE="${CAMPFIRE_MAX_FILE_SIZE:-5000000}"
# Link previews may fetch loopback pages: the test links to the server's own page.
export CAMPFIRE_ALLOW_PRIVATE_WEBHOOKS=true
setsid "$CAMPFIRE_E2E_SERVER" --data-dir "$CAMPFIRE_E2E_WORK/data" --bind "$CAMPFIRE_E2E_BIND" \
  >> "$CAMPFIRE_E2E_WORK/server.log" 2>&1 < /dev/null &
echo $! > "$CAMPFIRE_E2E_WORK/pid"
for _ in $(seq 1 100); do
  curl -fsS "http://$CAMPFIRE_E2E_BIND/up" > /dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "the server did not start:" >&2; cat "$CAMPFIRE_E2E_WORK/server.log" >&2; exit 1
START
stop_server() {
  kill -9 "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true
  for _ in $(seq 1 50); do curl -fsS "http://$CAMPFIRE_E2E_BIND/up" > /dev/null 2>&1 || return 0; sleep 0.1; done
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

export CAMPFIRE_URL="http://$CAMPFIRE_E2E_BIND"
export CAMPFIRE_RESTART_CMD="kill -9 \"\$(cat $work/pid)\"; sleep 0.2; bash $work/start.sh"
status=0
passed=0
failed=0
for test in "${tests[@]}"; do
  # A fresh server on an empty data directory for each test.
  stop_server
  rm -rf "$work/data"
  bash "$work/start.sh"
  echo "== e2e: $test =="
  node "e2e/$test.e2e.mjs" | tee "$work/$test.out" || status=1
  # Its closing line, "N passed, M failed[, K skipped]"; a test that died before it counts as one failure.
  if last=$(tail -n 1 "$work/$test.out" | grep -E '^[0-9]+ passed, [0-9]+ failed'); then
    passed=$((passed + $(echo "$last" | cut -d' ' -f1)))
    failed=$((failed + $(echo "$last" | cut -d' ' -f3 | tr -d ,)))
  else
    failed=$((failed + 1))
  fi
done
echo "e2e: $passed passed, $failed failed"
exit $status
