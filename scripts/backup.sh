#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the uploaded files
# (MEDIA_ROOT), side by side in BACKUP_DIR under one UTC timestamp, with their SHA-256 checksums:
#
#   $BACKUP_DIR/chm-portal-20270115T020000Z.dump          the database
#   $BACKUP_DIR/chm-portal-20270115T020000Z-media.tar.gz  the media files
#   $BACKUP_DIR/chm-portal-20270115T020000Z.sha256        checksums of the two
#
# The last line printed is the backup's name (the path without extension): give it to
# scripts/restore.sh. Files appear only once complete. See docs/operations.md.
#
#   DATABASE_URL  postgres://user:password@host:5432/chm_portal (required; a libpq URI)
#   MEDIA_ROOT    the uploaded files (default: ./media, as in the settings)
#   BACKUP_DIR    where backups go (default: ./backups)
#   BACKUP_KEEP_DAYS  delete this script's backups older than that many days (default: keep all)
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
MEDIA_ROOT=${MEDIA_ROOT:-media}
BACKUP_DIR=${BACKUP_DIR:-backups}
mkdir -p "$BACKUP_DIR"

name="chm-portal-$(date -u +%Y%m%dT%H%M%SZ)"
base="$BACKUP_DIR/$name"
partial=$(mktemp -d "$BACKUP_DIR/.partial-XXXXXX")
trap 'rm -rf "$partial"' EXIT

# One consistent snapshot of the database, whatever is written meanwhile; owners and grants are
# left out, so that it restores under another role.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" \
  --file="$partial/$name.dump"

if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$partial/$name-media.tar.gz" .
else
  echo "backup.sh: no media directory at $MEDIA_ROOT; the archive is empty" >&2
  tar -C "$partial" -czf "$partial/$name-media.tar.gz" --files-from=/dev/null
fi

(cd "$partial" && sha256sum "$name.dump" "$name-media.tar.gz" >"$name.sha256")
mv "$partial/$name.dump" "$partial/$name-media.tar.gz" "$BACKUP_DIR/"
mv "$partial/$name.sha256" "$BACKUP_DIR/"  # last: its presence says the backup is complete

if [ -n "${BACKUP_KEEP_DAYS:-}" ]; then
  find "$BACKUP_DIR" -maxdepth 1 -type f -name 'chm-portal-*' -mtime "+$BACKUP_KEEP_DAYS" -delete
fi

echo "Backed up the database and $(tar -tzf "$base-media.tar.gz" | grep -vc '/$' || true) media files:"
echo "$base"
