"""The demo generator is an app only where TIAOJIE_DEMO=1 (bin/demo); its tests install it."""
import pytest
from django.conf import settings
from django.test import override_settings


@pytest.fixture(scope="package", autouse=True)
def demo_app_installed():
    if "tiaojie.demo" in settings.INSTALLED_APPS:
        yield
        return
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tiaojie.demo"]):
        yield
