#!/usr/bin/env bash
# Runs the three services from their module directories against the local
# (or Docker) PostgreSQL and Kafka, for `make run`:
#   - builds them into bin/, starts each with its own config.yaml and the
#     development seed data (postgres.seed),
#   - writes each service's log straight to its file in .run/logs, and
#     shows the three files on the terminal with one tail (each line names
#     its service), so that no process reads and rewrites every line,
#   - waits until all three answer /readyz on their admin listeners, prints
#     where they listen and a
#     sample order to paste,
#   - on Ctrl-C (SIGINT) or SIGTERM stops the three cleanly.
# A second `make run` while one runs says so and exits. It needs no terminal.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO="$(cd "$LOCAL_DIR/../../.." && pwd)"
RUN_DIR="$REPO/.run"
LOG_DIR="$RUN_DIR/logs"
PIDFILE="$RUN_DIR/services.pid"
SERVICES=(order-service payment-service restaurant-service)
declare -A PORT=([order-service]=8181 [payment-service]=8182 [restaurant-service]=8183)
declare -A ADMIN_PORT=([order-service]=9181 [payment-service]=9182 [restaurant-service]=9183)

if pid_alive "$PIDFILE"; then
	log "the services already run (make run, pid $(cat "$PIDFILE")); stop that one first (Ctrl-C in its terminal or: kill $(cat "$PIDFILE"))"
	exit 0
fi
for s in "${SERVICES[@]}"; do
	for port in "${PORT[$s]}" "${ADMIN_PORT[$s]}"; do
		if port_open 127.0.0.1 "$port"; then
			die "port $port ($s) is already in use by another program; stop it first"
		fi
	done
done

mkdir -p "$LOG_DIR"
echo $$ >"$PIDFILE"

pids=()
tail_pid=""
stop_services() {
	trap - INT TERM EXIT
	[[ -z "$tail_pid" ]] || kill "$tail_pid" 2>/dev/null || true
	if ((${#pids[@]})); then
		log "stopping the services"
		kill -TERM "${pids[@]}" 2>/dev/null || true
		local deadline=$((SECONDS + 20))
		for pid in "${pids[@]}"; do
			while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null || true
		done
		log "services stopped (PostgreSQL and Kafka keep running: make infra-down stops them)"
	fi
	rm -f "$PIDFILE"
}
trap stop_services EXIT
trap 'exit 0' INT
trap 'exit 0' TERM

log "building the services"
mkdir -p "$REPO/bin"
for s in "${SERVICES[@]}"; do
	(cd "$REPO/$s" && go build -o "$REPO/bin/$s" "./cmd/$s")
done

# A development run: the services insert the reference data of the original
# system (customers, credit, restaurants, products) that the tutorials and
# make demo use. Production never sets it; the rows are inserted only when
# missing, so a database in use keeps its balances.
export ORDER_SERVICE_POSTGRES_SEED="${ORDER_SERVICE_POSTGRES_SEED:-true}"
export PAYMENT_SERVICE_POSTGRES_SEED="${PAYMENT_SERVICE_POSTGRES_SEED:-true}"
export RESTAURANT_SERVICE_POSTGRES_SEED="${RESTAURANT_SERVICE_POSTGRES_SEED:-true}"

# People read these logs: console format unless the caller chose otherwise.
export ORDER_SERVICE_LOG_FORMAT="${ORDER_SERVICE_LOG_FORMAT:-console}"
export PAYMENT_SERVICE_LOG_FORMAT="${PAYMENT_SERVICE_LOG_FORMAT:-console}"
export RESTAURANT_SERVICE_LOG_FORMAT="${RESTAURANT_SERVICE_LOG_FORMAT:-console}"

# The services share this machine with PostgreSQL and the broker: each gets
# half the cores, at least one, as the end-to-end harness gives them
# (e2e.ServiceProcs says why). A GOMAXPROCS the caller exported wins.
procs="${GOMAXPROCS:-$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))}"

# The terminal follows the three log files from before the services start:
# tail reads them in blocks, not a line at a time.
logs=()
for s in "${SERVICES[@]}"; do
	logs+=("$LOG_DIR/$s.log")
	touch "$LOG_DIR/$s.log"
done
tail -q -n 0 -F "${logs[@]}" 2>/dev/null &
tail_pid=$!

for s in "${SERVICES[@]}"; do
	log "starting $s on :${PORT[$s]}, admin on 127.0.0.1:${ADMIN_PORT[$s]} (log: .run/logs/$s.log)"
	(
		cd "$REPO/$s"
		exec env GOMAXPROCS="$procs" "$REPO/bin/$s" -config config.yaml
	) >>"$LOG_DIR/$s.log" 2>&1 </dev/null &
	pids+=($!)
done

ready() {
	local s
	for s in "${SERVICES[@]}"; do
		[[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ADMIN_PORT[$s]}/readyz")" == 200 ]] || return 1
	done
}
deadline=$((SECONDS + 90))
until ready; do
	for pid in "${pids[@]}"; do
		kill -0 "$pid" 2>/dev/null || die "a service exited during start; see .run/logs"
	done
	((SECONDS < deadline)) || die "the services were not ready within 90s; see .run/logs"
	sleep 0.3
done

cat <<MSG

  food-ordering-system is running
    order-service       http://127.0.0.1:8181   POST /orders, GET /orders/{trackingId}
    payment-service     http://127.0.0.1:8182   GET /customers/{customerId}/credit
    restaurant-service  http://127.0.0.1:8183   GET /orders/{orderId}/approval
    admin listeners     http://127.0.0.1:9181, :9182, :9183   /healthz /readyz /metrics, order-service's /sagas/stuck
  logs: .run/logs/   stop: Ctrl-C   walkthrough: make demo

  Send the sample order:
    curl -s -X POST http://127.0.0.1:8181/orders -H 'Content-Type: application/json' -d '{
      "customerId": "d215b5f8-0249-4dc5-89a3-51fd148cfb41",
      "restaurantId": "d215b5f8-0249-4dc5-89a3-51fd148cfb45",
      "price": 200.00,
      "items": [
        {"productId": "d215b5f8-0249-4dc5-89a3-51fd148cfb48", "quantity": 1, "price": 50.00, "subTotal": 50.00},
        {"productId": "d215b5f8-0249-4dc5-89a3-51fd148cfb48", "quantity": 3, "price": 50.00, "subTotal": 150.00}
      ],
      "address": {"street": "street_1", "postalCode": "1000AB", "city": "Amsterdam"}
    }'

MSG

# Stay in the foreground until a service exits or we are told to stop.
wait -n "${pids[@]}" || true
log "a service exited; stopping the others"
exit 1
