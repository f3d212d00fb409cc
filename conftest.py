"""Test-wide setup: a throwaway data dir and jobs run inline."""

import os
import tempfile

os.environ.setdefault("STOREOS_DATA_DIR", tempfile.mkdtemp(prefix="storeos-test-"))
os.environ.setdefault("STOREOS_HUEY_IMMEDIATE", "1")
