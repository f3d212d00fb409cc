"""The `storeos` command as an operator meets it: clear messages and exit codes."""

import os
import socket
import subprocess
import sys


def run_storeos(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "storeos.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_demo_on_a_taken_port_says_so_and_exits_1(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]

        result = run_storeos("demo", "--port", str(port), STOREOS_DATA_DIR=str(tmp_path))

    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "already in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "storeos.sqlite3").exists()  # refused before touching the database


def test_check_reports_unapplied_migrations_and_exits_1(tmp_path):
    result = run_storeos("check", STOREOS_DATA_DIR=str(tmp_path), DATABASE_URL="")

    assert result.returncode == 1
    assert "migrations" in result.stderr and "unapplied" in result.stderr


def test_check_passes_on_a_migrated_database(tmp_path):
    migrated = run_storeos(
        "manage", "migrate", "-v", "0", STOREOS_DATA_DIR=str(tmp_path), DATABASE_URL=""
    )
    assert migrated.returncode == 0, migrated.stderr

    result = run_storeos("check", STOREOS_DATA_DIR=str(tmp_path), DATABASE_URL="")

    assert result.returncode == 0, result.stderr
    assert "All checks passed" in result.stderr


def test_check_names_an_unreachable_database(tmp_path):
    result = run_storeos(
        "check",
        STOREOS_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
    )

    assert result.returncode == 1
    assert "database" in result.stderr and "cannot connect" in result.stderr
