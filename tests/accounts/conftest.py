from __future__ import annotations

import pytest

from agreements.models import Role, SsoGroupMapping
from tests.accounts.oidc import ProviderBrowser, configure_django, start_provider


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider, for the Django test client (whose host is ``testserver``)."""
    with start_provider(["http://testserver"]) as provider:
        yield provider


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on configured against the running provider."""
    configure_django(settings, oidc_provider)
    return oidc_provider


@pytest.fixture
def provider_browser(oidc_provider):
    browser = ProviderBrowser(oidc_provider)
    yield browser
    browser.close()


@pytest.fixture
def group_mappings(db, committee_a):
    """The provider's groups as an administrator maps them (accounts.json has the users)."""
    finance = SsoGroupMapping.objects.create(group="Budget-Økonomi", role=Role.FINANCE)
    secretary = SsoGroupMapping.objects.create(group="Budget-Sekretær-EBU", role=Role.SECRETARY)
    secretary.committees.set([committee_a])
    return {"finance": finance, "secretary": secretary}
