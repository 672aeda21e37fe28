#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory
# (the image runs /docker-entrypoint-initdb.d/*). Creates the role that Rasa,
# the action servers and the lead worker connect as: it may read and write the
# application's rows and create Rasa's tracker table, but it is no superuser
# and owns nothing the migrations create. Migrations and ingest run as
# POSTGRES_USER (the migrate job).
set -eu
: "${APP_DB_USER:?set APP_DB_USER in deploy/.env}"
: "${APP_DB_PASSWORD:?set APP_DB_PASSWORD in deploy/.env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" -v owner="$POSTGRES_USER" \
  -v dbname="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"app_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
GRANT CONNECT ON DATABASE :"dbname" TO :"app_user";
-- Rasa's SQL tracker store creates its `events` table on first use.
GRANT USAGE, CREATE ON SCHEMA public TO :"app_user";
-- Whatever the migrations create later: rows, not the tables themselves.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_user";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app_user";
SQL
