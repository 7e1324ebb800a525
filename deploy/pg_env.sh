# Sourced by backup.sh and restore.sh: turns DATABASE_URL into libpq's PG* variables, so the password never
# appears on a command line (where `ps` would show it).
: "${DATABASE_URL:?DATABASE_URL is not set: run with the service environment, e.g. /etc/giaingan/giaingan.env}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=${PYTHON:-$here/../.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
eval "$("$PYTHON" - <<'PY'
import os, shlex
from urllib.parse import unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
if url.scheme not in ("postgres", "postgresql", "pgsql"):
    raise SystemExit(f"DATABASE_URL is not a PostgreSQL URL ({url.scheme}://)")
values = {
    "PGHOST": url.hostname or "",
    "PGPORT": str(url.port or 5432),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
}
print(" ".join(f"export {key}={shlex.quote(value)};" for key, value in values.items() if value))
PY
)"
