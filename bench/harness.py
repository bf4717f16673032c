"""What the server benchmarks share: the PostgreSQL server they make scratch databases on, manage.py, a port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{SERVER_URL.rstrip('/')}/{name}"


def admin_execute(*statements: str) -> None:
    """Run statements outside a transaction (CREATE/DROP DATABASE) on the server's maintenance database."""
    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def manage(*args: str, env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
