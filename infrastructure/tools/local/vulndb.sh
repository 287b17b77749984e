#!/usr/bin/env bash
# Prints the directory of an offline copy of the Go vulnerability database,
# building it first if needed, for `govulncheck -db file://DIR` where
# vuln.go.dev cannot be reached.
#
#   vulndb.sh            # the newest golang.org/x/vulndb the module proxy serves
#   VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018 vulndb.sh
#
# The source is the golang.org/x/vulndb module, which the Go module proxy
# serves like any other: its data/osv folder holds every report in OSV JSON.
# The module's own cmd/indexdb turns that folder into the database layout
# govulncheck reads (index/db.json, index/modules.json, ID/GO-*.json). Each
# version is built once into $FOS_CACHE/vulndb/<version> (default
# ~/.cache/food-ordering-system).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GO="${GO:-go}"
VERSION="${VULNDB_VERSION:-latest}"
CACHE="${FOS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/food-ordering-system}/vulndb"
# Outside the workspace: the modules are the tool's, not the project's.
export GOWORK=off GOFLAGS=-mod=mod

mkdir -p "$CACHE"
# "latest" is resolved to the pseudo-version the proxy serves now, so a copy
# is built again only when the database has changed.
info="$(cd "$CACHE" && "$GO" mod download -json "golang.org/x/vulndb@$VERSION")" \
	|| die "the module proxy did not serve golang.org/x/vulndb@$VERSION"
version="$(sed -n 's/^[[:space:]]*"Version": "\(.*\)",$/\1/p' <<<"$info")"
src="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$info")"
[[ -n "$version" && -d "$src/data/osv" ]] || die "golang.org/x/vulndb@$VERSION has no data/osv folder"

out="$CACHE/$version"
if [[ ! -f "$out/index/db.json" ]]; then
	log "building the offline database from golang.org/x/vulndb@$version into $out" >&2
	rm -rf "$out.tmp"
	(cd "$CACHE" && "$GO" run "golang.org/x/vulndb/cmd/indexdb@$version" -vulns "$src/data/osv" -out "$out.tmp") >&2 \
		|| die "golang.org/x/vulndb/cmd/indexdb@$version failed"
	rm -rf "$out"; mv "$out.tmp" "$out"
fi
echo "$out"
