"""Loaded with `-p storeos.testing.plugin` (see pyproject): runs before pytest-django imports the
settings, so each test run gets its own throwaway data dir (database, job queue, secret key) and
background jobs run inline."""

import os
import tempfile

os.environ.setdefault("STOREOS_DATA_DIR", tempfile.mkdtemp(prefix="storeos-test-"))
os.environ.setdefault("STOREOS_HUEY_IMMEDIATE", "1")
