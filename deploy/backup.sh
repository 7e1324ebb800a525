#!/usr/bin/env bash
# Back up the service: a PostgreSQL dump (custom format) and an archive of the uploaded workbooks (MEDIA_ROOT),
# both named giaingan-<UTC time> in BACKUP_DIR; backups older than BACKUP_KEEP_DAYS are removed.
# Reads DATABASE_URL, MEDIA_ROOT, BACKUP_DIR (/var/backups/giaingan), BACKUP_KEEP_DAYS (14) from the environment.
# Safe while the service runs: pg_dump reads one consistent snapshot. Prints the dump's path.
set -euo pipefail
source "$(dirname "$0")/pg_env.sh"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/giaingan}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
mkdir -p "$BACKUP_DIR"
base="$BACKUP_DIR/giaingan-$stamp"

pg_dump --format=custom --no-owner --no-privileges --file="$base.dump.partial"
# An archive pg_restore cannot list is no backup.
pg_restore --list "$base.dump.partial" >/dev/null
mv "$base.dump.partial" "$base.dump"

# The uploads after the dump: every file the dump refers to is in the archive.
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$base.media.tar.gz.partial" .
  mv "$base.media.tar.gz.partial" "$base.media.tar.gz"
fi

find "$BACKUP_DIR" -maxdepth 1 -name 'giaingan-*' -mtime +"$KEEP_DAYS" -delete
echo "$base.dump"
