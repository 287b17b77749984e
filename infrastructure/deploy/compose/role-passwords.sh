#!/usr/bin/env bash
# docker compose's PostgreSQL runs this at init, after roles.sql: it gives
# each service's runtime role the password of .env, so that no password is
# written in the repository and the services connect with what compose
# passes them. Run by the image's entrypoint as the superuser.
set -euo pipefail
for role in order_service payment_service restaurant_service; do
	var="${role^^}_POSTGRES_PASSWORD"
	password="${!var:?set $var in .env}"
	psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
		-v role="$role" -v password="$password" <<'SQL'
ALTER ROLE :"role" PASSWORD :'password';
SQL
done
