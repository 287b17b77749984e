#!/usr/bin/env bash
# Starts or stops a private PostgreSQL cluster for local runs and tests, from
# the server binaries installed on the machine (no Docker needed).
#
#   postgres.sh start|stop|status|reset
#
# Environment: PGPORT (default 5432), FOS_LOCAL_DATA (default ./.data).
# The cluster trusts connections from 127.0.0.1 only; user and password are
# postgres/postgres and the database is food_ordering, as in docker-compose.yml.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGPORT="${PGPORT:-5432}"
PGDATA="$DATA_DIR/postgres"
PGLOG="$DATA_DIR/postgres.log"

# PostgreSQL refuses to run as root, so as root the server runs as the
# postgres user, which must be able to reach the data folder. A checkout under
# a private home (/root is 0700) is out of its reach: the cluster then lives in
# a folder of its own under /var/tmp, named after this checkout.
if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$DATA_DIR"; then
	PG_HOME="/var/tmp/food-ordering-system-$(printf '%s' "$DATA_DIR" | md5sum | cut -c1-8)"
	mkdir -p "$PG_HOME"
	chown postgres "$PG_HOME"
	PGDATA="$PG_HOME/postgres"
	PGLOG="$PG_HOME/postgres.log"
fi
DATABASE=food_ordering

find_bin() {
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")"; do
		[[ -x "$dir/pg_ctl" && -x "$dir/pg_isready" && -x "$dir/initdb" ]] && { echo "$dir"; return; }
	done
	die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found. Install them: apt-get install postgresql"
}

as_owner() {
	# PostgreSQL refuses to run as root: run the server as the data folder's owner.
	if [[ $(id -u) -eq 0 ]]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; }

# Durability. By default the test cluster trades crash safety for speed
# (fsync, synchronous_commit and full_page_writes off): its data is
# throwaway. FOS_PG_DURABLE=1 turns all three on, as a production server
# runs; every published performance figure is taken in that mode.
wanted_durability() { if [[ "${FOS_PG_DURABLE:-0}" == 1 ]]; then echo durable; else echo fast; fi; }

durability_flags() {
	if [[ "$(wanted_durability)" == durable ]]; then
		echo "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
	else
		echo "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
}

# durability prints the running server's mode (durable or fast), or nothing
# when it cannot be asked.
durability() {
	local fsync
	fsync="$(PGPASSWORD=postgres "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -t -A -d postgres \
		-c "SHOW fsync" 2>/dev/null)" || return 0
	case "$fsync" in on) echo durable ;; off) echo fast ;; esac
}

start() {
	BIN="$(find_bin)"
	if ready; then
		local running; running="$(durability)"
		if [[ -z "$running" || "$running" == "$(wanted_durability)" ]]; then
			log "PostgreSQL already answers on 127.0.0.1:$PGPORT ($running); reusing it"
			ensure_database
			return
		fi
		if [[ ! -s "$PGDATA/postmaster.pid" ]]; then
			log "PostgreSQL on 127.0.0.1:$PGPORT is not ours and runs $running; reusing it as it is"
			ensure_database
			return
		fi
		log "PostgreSQL runs $running, $(wanted_durability) is asked for: restarting it"
		as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
	fi
	if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
		useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin postgres
	fi
	if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
		log "initialising a new cluster in $PGDATA"
		mkdir -p "$PGDATA"
		[[ $(id -u) -eq 0 ]] && chown postgres "$PGDATA"
		local pwfile; pwfile="$(mktemp)"; echo postgres > "$pwfile"; chmod 644 "$pwfile"
		as_owner "$BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 \
			--encoding=UTF8 --locale=C >>"$PGLOG" 2>&1 || { rm -f "$pwfile"; die "initdb failed; see $PGLOG"; }
		rm -f "$pwfile"
	fi
	touch "$PGLOG"
	if [[ $(id -u) -eq 0 ]]; then chown postgres "$PGLOG"; fi
	log "starting PostgreSQL on 127.0.0.1:$PGPORT (log: $PGLOG)"
	as_owner "$BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp -c max_connections=300 $(durability_flags) -c shared_preload_libraries=pg_stat_statements" \
		>/dev/null || die "PostgreSQL did not start; see $PGLOG"
	wait_until 60 "PostgreSQL on 127.0.0.1:$PGPORT" ready || die "PostgreSQL did not answer in 60s; see $PGLOG"
	ensure_database
}

ensure_database() {
	local psql=("$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -t -A)
	if [[ "$(PGPASSWORD=postgres "${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]]; then
		PGPASSWORD=postgres "${psql[@]}" -d postgres -c "CREATE DATABASE $DATABASE" \
			|| die "could not create database $DATABASE"
		log "created database $DATABASE"
	fi
	# The services' migration and runtime roles and their schemas
	# (infrastructure/deploy/roles.sql says why); idempotent and additive, so
	# every start brings an older database up to date.
	PGPASSWORD=postgres "${psql[@]}" -d "$DATABASE" -v ON_ERROR_STOP=1 -f "$LOCAL_DIR/../../deploy/roles.sql" >/dev/null \
		|| die "could not create the services' roles in $DATABASE"
}

stop() {
	BIN="$(find_bin)"
	if [[ -s "$PGDATA/postmaster.pid" ]]; then
		as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 && log "PostgreSQL stopped" || log "PostgreSQL was not running"
	else
		log "PostgreSQL was not running"
	fi
}

status() {
	BIN="$(find_bin)"
	if ready; then log "PostgreSQL answers on 127.0.0.1:$PGPORT"; else log "PostgreSQL is not running"; return 1; fi
}

case "${1:-}" in
	start) start ;;
	stop) stop ;;
	status) status ;;
	reset) stop; rm -rf "$PGDATA"; log "local PostgreSQL data removed" ;;
	*) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
