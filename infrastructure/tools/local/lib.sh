# Shared helpers for the local infrastructure scripts. Sourced, not run.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Everything the scripts create lives under .data (ignored by git), unless
# FOS_LOCAL_DATA points elsewhere.
DATA_DIR="${FOS_LOCAL_DATA:-$LOCAL_DIR/.data}"
mkdir -p "$DATA_DIR"

log()  { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*"; }
die()  { printf '[%s] ERROR: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

# require CMD HINT: fail with a clear message naming what is missing.
require() {
	command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed or not on PATH. $2"
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_until SECONDS DESCRIPTION CMD...: retry CMD every 0.2s for SECONDS.
wait_until() {
	local secs=$1 what=$2; shift 2
	local deadline=$((SECONDS + secs))
	until "$@"; do
		if (( SECONDS >= deadline )); then
			return 1
		fi
		sleep 0.2
	done
	log "$what: ready"
}

# pid_alive FILE: true when FILE names a running process.
pid_alive() {
	[[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}
