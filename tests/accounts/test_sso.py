"""Single sign-on through a real OpenID Connect provider (oidc-provider on loopback).

The Django test client is the browser at the application, ``ProviderBrowser`` (httpx) the
browser at the provider; every token, key and logout goes over HTTP between the two.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agreements import permissions
from agreements.models import Role, SsoGroupMapping, StaffProfile
from tests.accounts.oidc import CLIENT_ID, local_path, message_texts, sso_login, start_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_login_page_offers_single_sign_on_and_passwords(client, sso):
    response = client.get(reverse("login"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="/oidc/login/"' in page
    assert "Log ind med Ballerup Kommune" in page
    assert 'name="password"' in page


def test_finance_group_logs_in_as_finance_staff(client, sso, provider_browser, group_mappings):
    authorize = start_login(client)
    query = parse_qs(urlsplit(authorize).query)
    back = provider_browser.authorize(authorize, "anna.oekonomi")
    response = client.get(local_path(back))

    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:list")
    # Authorization code flow with PKCE (the provider refuses a code request without it).
    assert authorize.startswith(sso.issuer + "/")
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["client_id"] == [CLIENT_ID]
    user = User.objects.get(username="anna.oekonomi")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.first_name, user.last_name, user.email) == (
        "Anna",
        "Holm",
        "anna.holm@ballerup.example",
    )
    assert not user.has_usable_password()
    assert user.staff_profile.role == Role.FINANCE
    assert permissions.committee_ids(user) is None  # every committee
    assert not user.is_superuser
    page = client.get(reverse("agreements:list"))
    assert page.status_code == 200
    assert "Anna Holm" in page.content.decode()


def test_secretary_group_gets_its_committees(
    client, sso, provider_browser, group_mappings, committee_a, committee_b
):
    response = sso_login(client, provider_browser, "bo.sekretaer")

    assert response.status_code == 302
    user = User.objects.get(username="bo.sekretaer")
    assert user.staff_profile.role == Role.SECRETARY
    assert permissions.committee_ids(user) == {committee_a.pk}
    assert client.get(reverse("milestones:committee", args=[committee_a.code])).status_code == 200
    assert client.get(reverse("milestones:committee", args=[committee_b.code])).status_code == 404


def test_login_returns_to_the_page_asked_for(client, sso, provider_browser, group_mappings):
    target = reverse("milestones:list")

    response = sso_login(client, provider_browser, "anna.oekonomi", next_url=target)

    assert response["Location"] == target


def test_mapping_changes_apply_at_the_next_login(
    client, sso, provider_browser, group_mappings, committee_b
):
    sso_login(client, provider_browser, "anna.oekonomi")
    finance = group_mappings["finance"]
    finance.role = Role.SECRETARY
    finance.save()
    finance.committees.set([committee_b])
    SsoGroupMapping.objects.create(group="alle ansatte", is_administrator=True)
    client.post(reverse("logout"))

    # The provider still knows Anna (its session was not ended here): no password asked.
    sso_login(client, provider_browser, username=None)

    user = User.objects.get(username="anna.oekonomi")
    assert user.staff_profile.role == Role.SECRETARY
    assert set(user.staff_profile.committees.all()) == {committee_b}
    assert user.is_superuser and user.is_staff
    assert client.get(reverse("admin:index")).status_code == 200


def test_user_whose_groups_map_to_nothing_is_not_logged_in_and_loses_the_role(
    client, sso, provider_browser, group_mappings
):
    sso_login(client, provider_browser, "anna.oekonomi")
    client.post(reverse("logout"))
    SsoGroupMapping.objects.all().delete()

    response = sso_login(client, provider_browser, username=None)

    page = response.content.decode()
    assert response.status_code == 403
    assert "Ingen adgang til Budgetopfølgning" in page
    assert "Ballerup Kommune kender dig, men ingen af dine grupper giver adgang" in page
    assert "<code>Budget-Økonomi</code>" in page and "<code>Alle ansatte</code>" in page
    assert "_auth_user_id" not in client.session
    user = User.objects.get(username="anna.oekonomi")
    assert not StaffProfile.objects.filter(user=user).exists()
    assert not user.is_superuser
    assert client.get(reverse("agreements:list")).status_code == 302  # to the login page


def test_logout_ends_the_session_here_and_at_the_provider(
    client, sso, provider_browser, group_mappings
):
    sso_login(client, provider_browser, "anna.oekonomi")

    response = client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(sso.issuer + "/")
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["id_token_hint"][0].count(".") == 2  # the ID token (a JWT)
    assert provider_browser.end_session(location) == "http://testserver/login/"
    # The provider's session is over: the next login asks for the password again.
    back = provider_browser.authorize(start_login(client), "anna.oekonomi")
    assert "Log ind hos testudbyderen" in provider_browser.pages[-1]
    assert client.get(local_path(back)).status_code == 302
    assert "_auth_user_id" in client.session


def test_logout_of_a_local_user_stays_here(client, sso, finance_user):
    client.force_login(finance_user)

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")


def test_a_local_account_with_the_same_name_is_not_taken_over(
    client, sso, provider_browser, group_mappings
):
    local = UserFactory(username="anna.oekonomi", first_name="Lokal")
    password_hash = local.password

    response = sso_login(client, provider_browser, "anna.oekonomi")

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert message_texts(response) == [
        "Log ind med Ballerup Kommune mislykkedes. Prøv igen, eller kontakt en administrator, "
        "hvis det bliver ved."
    ]
    local.refresh_from_db()
    assert (local.password, local.first_name, local.is_superuser) == (password_hash, "Lokal", False)
    assert not StaffProfile.objects.filter(user=local).exists()


def test_a_deactivated_user_is_refused(client, sso, provider_browser, group_mappings):
    sso_login(client, provider_browser, "anna.oekonomi")
    client.post(reverse("logout"))
    User.objects.filter(username="anna.oekonomi").update(is_active=False)

    response = sso_login(client, provider_browser, username=None)

    assert "_auth_user_id" not in client.session
    assert message_texts(response) == [
        "Din bruger er spærret i Budgetopfølgning. Kontakt en administrator."
    ]


def test_a_session_of_a_user_deactivated_meanwhile_ends(
    client, sso, provider_browser, group_mappings
):
    sso_login(client, provider_browser, "anna.oekonomi")
    User.objects.filter(username="anna.oekonomi").update(is_active=False)

    response = client.get(reverse("agreements:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_wrong_client_secret_is_refused_by_the_provider(
    client, sso, settings, provider_browser, group_mappings
):
    settings.OIDC_RP_CLIENT_SECRET = "forkert-hemmelighed"

    response = sso_login(client, provider_browser, "anna.oekonomi")

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="anna.oekonomi").exists()
    assert "mislykkedes" in message_texts(response)[0]


def test_an_answer_for_a_state_this_browser_did_not_start_is_refused(
    client, sso, provider_browser, group_mappings
):
    back = provider_browser.authorize(start_login(client), "anna.oekonomi")
    other_browser = client.__class__()
    other_browser.get(reverse("accounts:oidc_login"))  # a login of its own, another state

    response = other_browser.get(local_path(back))

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in other_browser.session
    assert message_texts(response) == ["Log ind-forsøget er udløbet. Prøv igen."]
    assert not User.objects.filter(username="anna.oekonomi").exists()


def test_an_answer_from_the_provider_is_used_once(client, sso, provider_browser, group_mappings):
    back = provider_browser.authorize(start_login(client), "anna.oekonomi")
    assert client.get(local_path(back)).status_code == 302
    client.post(reverse("logout"))

    response = client.get(local_path(back))  # replayed: its state was used up

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_user_cancelling_at_the_provider_gets_a_danish_message(client, sso):
    authorize = start_login(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]

    response = client.get(
        reverse("accounts:oidc_callback"),
        {
            "error": "access_denied",
            "error_description": "End-User aborted\ninteraction",
            "state": state,
        },
    )

    assert response["Location"] == reverse("login")
    assert message_texts(response) == ["Log ind hos Ballerup Kommune blev afbrudt. Prøv igen."]


def test_an_answer_naming_another_issuer_is_refused(client, sso, provider_browser, group_mappings):
    back = provider_browser.authorize(start_login(client), "anna.oekonomi")
    forged = back.replace("iss=http", "iss=https")
    assert forged != back

    response = client.get(local_path(forged))

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_gives_a_danish_page(client, settings, sso):
    from agreements.login import oidc

    settings.OIDC_ISSUER = "http://127.0.0.1:1"  # nothing listens: connection refused
    oidc.clear_cache()

    response = client.get(reverse("accounts:oidc_login"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Log ind med Ballerup Kommune svarer ikke lige nu" in response.content.decode()


def test_without_single_sign_on_its_urls_do_not_exist(client, settings):
    assert settings.OIDC_ENABLED is False

    assert client.get(reverse("accounts:oidc_login")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback")).status_code == 404
    assert "Log ind med" not in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"iss": "https://andet.example"}, "issuer"),
        ({"aud": "en-anden-klient"}, "audience"),
        ({"aud": [CLIENT_ID, "en-anden-klient"]}, "authorized party"),
        ({"exp": None}, "exp"),
        ({"sub": ""}, "sub"),
    ],
)
def test_id_token_claims_are_checked(sso, change, problem):
    from django.core.exceptions import SuspiciousOperation

    from agreements.login.backends import OidcBackend

    payload = {"iss": sso.issuer, "aud": CLIENT_ID, "exp": 2_000_000_000, "sub": "anna"}
    OidcBackend()._check_claims(payload)  # the control: a valid token passes
    payload |= change
    payload = {k: v for k, v in payload.items() if v is not None}

    with pytest.raises(SuspiciousOperation, match=problem):
        OidcBackend()._check_claims(payload)
