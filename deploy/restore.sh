#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database of DATABASE_URL, and its uploads into MEDIA_ROOT:
#
#   systemctl stop giaingan-web 'giaingan-worker@*' giaingan-beat
#   sudo -u giaingan env $(cat /etc/giaingan/giaingan.env | xargs) deploy/restore.sh /var/backups/giaingan/giaingan-STAMP.dump
#   systemctl start giaingan-web 'giaingan-worker@*' giaingan-beat
#
# Everything the database role owns is dropped and the dump recreated in ONE transaction: a restore that fails
# leaves the database as it was. Run as the application's role, never a superuser. The uploads folder is swapped
# for the archive of the same backup; the previous one is kept beside it (MEDIA_ROOT.before-restore-<time>).
# --yes skips the question; --force restores even while other sessions are connected.
set -euo pipefail
dump=""; yes=0; force=0
for arg in "$@"; do
  case "$arg" in
    --yes) yes=1 ;;
    --force) force=1 ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) dump=$arg ;;
  esac
done
[ -n "$dump" ] || { echo "usage: $0 BACKUP.dump [--yes] [--force]" >&2; exit 2; }
[ -f "$dump" ] || { echo "no such backup: $dump" >&2; exit 2; }
source "$(dirname "$0")/pg_env.sh"

pg_restore --list "$dump" >/dev/null
psql_q() { psql --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 -c "$1"; }
if [ "$(psql_q 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user')" = "t" ]; then
  echo "refusing: $PGUSER is a superuser; restore as the application's role, which owns its tables" >&2
  exit 1
fi
others=$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
if [ "$others" != "0" ] && [ "$force" -ne 1 ]; then
  echo "refusing: $others other session(s) on $PGDATABASE; stop the web, workers and beat first (or --force)" >&2
  exit 1
fi
if [ "$yes" -ne 1 ]; then
  read -r -p "Replace every table of database $PGDATABASE on $PGHOST with $dump? Type the database name: " answer
  [ "$answer" = "$PGDATABASE" ] || { echo "not restored" >&2; exit 1; }
fi

{
  echo "DROP OWNED BY CURRENT_USER;"
  pg_restore --no-owner --no-privileges --file=- "$dump"
} | psql --no-psqlrc --quiet --single-transaction -v ON_ERROR_STOP=1 >/dev/null
echo "database $PGDATABASE restored from $dump"

media="${dump%.dump}.media.tar.gz"
if [ -n "${MEDIA_ROOT:-}" ] && [ -f "$media" ]; then
  incoming="$MEDIA_ROOT.restoring"
  rm -rf "$incoming"
  mkdir -p "$incoming"
  tar -C "$incoming" -xzf "$media"
  if [ -d "$MEDIA_ROOT" ]; then
    mv "$MEDIA_ROOT" "$MEDIA_ROOT.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
  fi
  mv "$incoming" "$MEDIA_ROOT"
  echo "uploads restored into $MEDIA_ROOT from $media"
fi
