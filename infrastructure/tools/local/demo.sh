#!/usr/bin/env bash
# `make demo`: runs the saga walkthrough (infrastructure/tools/cmd/demo) against the
# running services. When they are not running, it starts them with run.sh in
# the background for the demo and stops them afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$LOCAL_DIR/../../.." && pwd)"
RUN_LOG="$REPO/.run/run.log"

ready() {
	local port
	for port in 9181 9182 9183; do # the admin listeners
		[[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" == 200 ]] || return 1
	done
}

started=""
ready_or_gone() { ready || ! kill -0 "$started" 2>/dev/null; }
if ! ready; then
	mkdir -p "$REPO/.run"
	log "the services are not running; starting them for the demo (log: .run/run.log)"
	"$LOCAL_DIR/run.sh" >"$RUN_LOG" 2>&1 </dev/null &
	started=$!
	trap 'kill -TERM "$started" 2>/dev/null; wait "$started" 2>/dev/null || true; log "services stopped"' EXIT
	wait_until 180 "the services" ready_or_gone || die "the services did not become ready; see $RUN_LOG"
	kill -0 "$started" 2>/dev/null || die "make run exited; see $RUN_LOG"
fi

cd "$REPO/infrastructure/tools"
go run ./cmd/demo "$@"
