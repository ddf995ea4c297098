import pytest


@pytest.fixture(autouse=True)
def _imports_run_in_process(monkeypatch):
    """The import is a django-q2 task; tests run it synchronously (django-q2's ``sync``)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
