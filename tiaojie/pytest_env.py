"""pytest plugin (``-p tiaojie.pytest_env`` in pyproject.toml): fixed test keys in the environment
before pytest-django imports the settings, which refuse to start without them when DEBUG is off.
Subprocesses started by tests inherit them. Plain HTTP for the test client (TIAOJIE_HTTPS=0)."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-9f2c4e7a1b3d5f60817a2c4e6b8d0f12")
os.environ.setdefault("TIAOJIE_DATA_KEY", "test-only-data-key-5b7d9f1a3c5e7092b4d6f8a0c2e4a6b8")
os.environ.setdefault("TIAOJIE_HTTPS", "0")
