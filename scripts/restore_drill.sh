#!/usr/bin/env bash
# Restore drill: proves that scripts/backup.sh and scripts/restore.sh give back the portal.
#
# In a scratch database and a scratch media directory: migrate, add a little data and an uploaded
# file, back up, drop the database and delete the media, restore into a fresh database, then
# compare every table's row count and every media file's checksum with what was there before.
# Exits non-zero when anything differs. Touches nothing else. See docs/operations.md.
#
#   DRILL_POSTGRES_URL  the PostgreSQL server, without a database name, as a role that may
#                       create databases (default: postgres://postgres@127.0.0.1:5432)
#   PYTHON              the portal's Python (default: .venv/bin/python)
#   DRILL_KEEP=1        keep the scratch directory (backup, counts) for a look afterwards
set -euo pipefail
cd "$(dirname "$0")/.."

server=${DRILL_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
server=${server%/}
PYTHON=${PYTHON:-.venv/bin/python}
database="chm_restore_drill_$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/chm-restore-drill-XXXXXX")

psql_admin() { psql "$server/postgres" --no-psqlrc --quiet --set ON_ERROR_STOP=1 "$@"; }
cleanup() {
  psql_admin --command "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  if [ "${DRILL_KEEP:-}" = 1 ]; then echo "Kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
step() { printf '\n--- %s\n' "$*"; }

# The portal's settings for the drill: its own database and media, no broker (tasks run inline).
export DATABASE_URL="$server/$database"
export MEDIA_ROOT="$work/media"
export BACKUP_DIR="$work/backups"
export SECRET_KEY="restore-drill-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export DEBUG=false
unset REDIS_URL CELERY_TASK_ALWAYS_EAGER TESTING

row_counts() {
  # Every table of the portal with its exact number of rows, one "table rows" per line.
  psql "$DATABASE_URL" --no-psqlrc --tuples-only --no-align --field-separator=' ' --command "
    SELECT table_name,
           (xpath('/row/n/text()', query_to_xml(
             format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name),
             false, true, '')))[1]::text
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name"
}
media_checksums() {
  (cd "$MEDIA_ROOT" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

step "1. a scratch portal: $database, $MEDIA_ROOT"
psql_admin --command "CREATE DATABASE $database"
"$PYTHON" manage.py migrate --no-input --skip-checks --verbosity 0

step "2. a little data and an uploaded file"
"$PYTHON" manage.py shell --no-imports --command "
import io
from PIL import Image
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from chm_portal.vocabularies.models import OrganisationType
from partners.models import Organisation

person = get_user_model().objects.create_user(
    email='drill@chm-portal.example', password=None, full_name='Restore Drill'
)
organisation = Organisation.objects.create(
    name='Restore Drill Alliance',
    organisation_type=OrganisationType.objects.order_by('pk').first(),
    created_by=person,
)
image = io.BytesIO()
Image.new('RGB', (8, 8), (20, 120, 60)).save(image, 'PNG')
organisation.logo.save('drill-logo.png', ContentFile(image.getvalue()))
print('Organisation', organisation.pk, 'with logo', organisation.logo.name)
"
row_counts >"$work/rows-before.txt"
media_checksums >"$work/media-before.txt"
[ -s "$work/media-before.txt" ] || { echo "The drill made no media file" >&2; exit 1; }
echo "$(wc -l <"$work/rows-before.txt") tables, $(awk '{s += $2} END {print s}' "$work/rows-before.txt") rows," \
  "$(wc -l <"$work/media-before.txt") media file(s)"

step "3. back up"
backup=$(scripts/backup.sh | tail -n 1)
ls -l "$backup"*

step "4. lose everything: drop the database, delete the media"
psql_admin --command "DROP DATABASE $database"
rm -rf "$MEDIA_ROOT"

step "5. restore into a fresh database"
psql_admin --command "CREATE DATABASE $database"
scripts/restore.sh "$backup"

step "6. compare"
row_counts >"$work/rows-after.txt"
media_checksums >"$work/media-after.txt"
status=0
diff -u "$work/rows-before.txt" "$work/rows-after.txt" || { echo "Row counts differ" >&2; status=1; }
diff -u "$work/media-before.txt" "$work/media-after.txt" || { echo "Media files differ" >&2; status=1; }
# The migrations table came back too: the restored schema is the code's.
"$PYTHON" manage.py migrate --check --skip-checks --verbosity 0 || { echo "Migrations differ" >&2; status=1; }
if [ "$status" -ne 0 ]; then
  echo "Restore drill FAILED" >&2
  exit "$status"
fi
echo "Restore drill passed: the same row counts in $(wc -l <"$work/rows-after.txt") tables," \
  "the same checksums for $(wc -l <"$work/media-after.txt") media file(s)."
