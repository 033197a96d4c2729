#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: the database into DATABASE_URL, the media files
# into MEDIA_ROOT. See docs/operations.md.
#
#   scripts/restore.sh backups/chm-portal-20270115T020000Z
#
#   DATABASE_URL  the database to restore into (required). It must exist and be empty:
#                 createdb, or DROP/CREATE DATABASE, first. The restore is one transaction:
#                 it is complete, or nothing is restored.
#   MEDIA_ROOT    where the media files go (default: ./media); must be empty or absent.
#
# The checksums are verified before anything is touched. Stop the web and worker processes
# first, and run `manage.py migrate` after if the code is newer than the backup.
set -euo pipefail
cd "$(dirname "$0")/.."

backup=${1:?usage: scripts/restore.sh BACKUP_DIR/chm-portal-<timestamp>}
backup=${backup%.dump}
backup=${backup%.sha256}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to restore into}"
MEDIA_ROOT=${MEDIA_ROOT:-media}
name=$(basename "$backup")
dir=$(dirname "$backup")

for part in "$backup.dump" "$backup-media.tar.gz" "$backup.sha256"; do
  [ -f "$part" ] || { echo "restore.sh: $part is missing" >&2; exit 1; }
done
if ! (cd "$dir" && sha256sum --check --quiet "$name.sha256"); then
  echo "restore.sh: the backup $backup is damaged (checksums differ); nothing restored" >&2
  exit 1
fi

tables=$(psql "$DATABASE_URL" --no-psqlrc --tuples-only --no-align --command \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database already has $tables tables; restore into an empty one" >&2
  exit 1
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "restore.sh: $MEDIA_ROOT is not empty; move it away first" >&2
  exit 1
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$backup-media.tar.gz"

echo "Restored $name into the database and $MEDIA_ROOT."
