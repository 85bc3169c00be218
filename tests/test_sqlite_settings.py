import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW_CONNECTION = (
    "import json; from django.db import connection; cursor = connection.cursor();"
    "print(json.dumps({pragma: cursor.execute(f'PRAGMA {pragma}').fetchone()[0]"
    " for pragma in ('journal_mode', 'synchronous', 'busy_timeout')} | {'mode': connection.transaction_mode}))"
)


def connection_of(database_url):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DJANGO_DEBUG="1", DATABASE_URL=database_url)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW_CONNECTION],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_sqlite_file_is_opened_for_concurrent_writers(tmp_path):
    # WAL journal, NORMAL (1) synchronisation, a 20 s busy timeout, and transactions that take the write lock at BEGIN.
    assert connection_of(f"sqlite:///{tmp_path / 'db.sqlite3'}") == {
        "journal_mode": "wal",
        "synchronous": 1,
        "busy_timeout": 20000,
        "mode": "IMMEDIATE",
    }


def test_sqlite_options_in_the_database_url_win(tmp_path):
    assert connection_of(f"sqlite:///{tmp_path / 'db.sqlite3'}?timeout=3")["busy_timeout"] == 3000
