"""The mapping of single sign-on groups to roles and committees (SsoGroupMapping)."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from agreements import permissions
from agreements.login.selectors import access_for_groups
from agreements.login.services import staff_access_set_from_groups
from agreements.models import Role, SsoGroupMapping, StaffProfile
from tests.factories import CommitteeFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def mapping(group: str, role: str = "", committees=(), is_administrator: bool = False):
    row = SsoGroupMapping.objects.create(group=group, role=role, is_administrator=is_administrator)
    row.committees.set(committees)
    return row


@pytest.fixture
def sso_user(db):
    user = UserFactory(username="sso-bruger")
    user.set_unusable_password()
    user.save()
    return user


def test_finance_groups_combine_their_committees(committee_a, committee_b):
    mapping("Økonomi EBU", Role.FINANCE, [committee_a])
    mapping("Økonomi BSU", Role.FINANCE, [committee_b])

    access = access_for_groups(["Økonomi EBU", "Økonomi BSU"])

    assert access.role == Role.FINANCE
    assert access.committee_ids == {committee_a.pk, committee_b.pk}
    assert not access.is_administrator


def test_a_finance_group_for_every_committee_wins_over_restricted_ones(committee_a):
    mapping("Økonomi", Role.FINANCE)
    mapping("Økonomi EBU", Role.FINANCE, [committee_a])

    access = access_for_groups(["Økonomi EBU", "Økonomi"])

    assert access.role == Role.FINANCE
    assert access.committee_ids == frozenset()  # every committee


def test_finance_is_kept_over_secretary_with_the_finance_committees(committee_a, committee_b):
    mapping("Økonomi EBU", Role.FINANCE, [committee_a])
    mapping("Sekretær BSU", Role.SECRETARY, [committee_b])

    access = access_for_groups(["Sekretær BSU", "Økonomi EBU"])

    assert access.role == Role.FINANCE
    assert access.committee_ids == {committee_a.pk}


def test_group_names_match_whatever_their_case_and_spaces(committee_a):
    mapping("Budget-Økonomi", Role.FINANCE)

    access = access_for_groups(["  budget-ØKONOMI "])

    assert access.role == Role.FINANCE
    assert access.matched_groups == ("Budget-Økonomi",)


def test_groups_that_match_nothing_grant_nothing():
    mapping("Budget-Økonomi", Role.FINANCE)

    access = access_for_groups(["Kantine", "Budget-Økonomi-gammel", ""])

    assert access.role is None and not access.is_administrator
    assert not access.grants_anything


def test_setting_access_creates_the_profile(sso_user, committee_a):
    mapping("Sekretær EBU", Role.SECRETARY, [committee_a])

    staff_access_set_from_groups(user=sso_user, groups=["Sekretær EBU"])

    assert sso_user.staff_profile.role == Role.SECRETARY
    assert permissions.has_role(sso_user)
    assert permissions.committee_ids(sso_user) == {committee_a.pk}


def test_an_administrator_group_makes_a_superuser_without_a_profile(sso_user):
    mapping("Budget-admin", is_administrator=True)

    staff_access_set_from_groups(user=sso_user, groups=["Budget-admin"])

    sso_user.refresh_from_db()
    assert sso_user.is_superuser and sso_user.is_staff
    assert not StaffProfile.objects.filter(user=sso_user).exists()
    assert permissions.is_admin(sso_user)


def test_losing_every_group_removes_role_and_administrator(sso_user, committee_a):
    StaffProfileFactory(user=sso_user, role=Role.FINANCE, committees=[committee_a])
    sso_user.is_superuser = sso_user.is_staff = True
    sso_user.save()
    assert permissions.has_role(sso_user)

    access = staff_access_set_from_groups(user=sso_user, groups=["Kantine"])

    sso_user.refresh_from_db()
    assert not access.grants_anything
    assert not StaffProfile.objects.filter(user=sso_user).exists()
    assert not sso_user.is_superuser and not sso_user.is_staff
    assert not permissions.has_role(sso_user)


def test_a_changed_mapping_changes_role_and_committees(sso_user, committee_a, committee_b):
    row = mapping("Budget", Role.FINANCE)
    staff_access_set_from_groups(user=sso_user, groups=["Budget"])
    row.role = Role.SECRETARY
    row.save()
    row.committees.set([committee_b])

    staff_access_set_from_groups(user=sso_user, groups=["Budget"])

    profile = StaffProfile.objects.get(user=sso_user)
    assert profile.role == Role.SECRETARY
    assert list(profile.committees.all()) == [committee_b]


def test_a_login_that_changes_nothing_writes_and_logs_nothing(
    sso_user, committee_a, caplog, django_assert_max_num_queries
):
    mapping("Sekretær EBU", Role.SECRETARY, [committee_a])
    staff_access_set_from_groups(user=sso_user, groups=["Sekretær EBU"])
    caplog.clear()

    with caplog.at_level(logging.INFO, logger="accounts"), django_assert_max_num_queries(20) as q:
        staff_access_set_from_groups(user=sso_user, groups=["Sekretær EBU"])

    writes = [
        x["sql"] for x in q.captured_queries if x["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not [r for r in caplog.records if "access changed" in r.getMessage()]


def test_a_change_of_access_is_logged(sso_user, caplog):
    mapping("Budget-admin", is_administrator=True)

    with caplog.at_level(logging.INFO, logger="accounts"):
        staff_access_set_from_groups(user=sso_user, groups=["Budget-admin"])

    (record,) = [r for r in caplog.records if r.getMessage() == "single sign-on: access changed"]
    assert (record.username, record.before, record.after) == ("sso-bruger", "none", "administrator")


def test_a_mapping_must_grant_something():
    row = SsoGroupMapping(group="Ingenting")

    with pytest.raises(ValidationError, match="Vælg en rolle"):
        row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_group_is_mapped_once_whatever_its_case():
    mapping("Budget-Økonomi", Role.FINANCE)
    row = SsoGroupMapping(group=" budget-økonomi ", role=Role.SECRETARY)

    with pytest.raises(ValidationError) as error:
        row.full_clean()

    assert error.value.message_dict["group"] == ["Gruppen findes allerede som »Budget-Økonomi«."]


def test_administrator_maps_a_group_in_the_admin(client, admin_user, committee_a):
    client.force_login(admin_user)
    url = reverse("admin:agreements_ssogroupmapping_add")

    page = client.get(url)
    response = client.post(
        url,
        {"group": "Budget-Sekretær-EBU", "role": Role.SECRETARY, "committees": [committee_a.pk]},
    )

    assert page.status_code == 200
    assert "Ved hvert log ind med single sign-on" in page.content.decode()
    assert response.status_code == 302
    row = SsoGroupMapping.objects.get()
    assert (row.group, row.role, list(row.committees.all())) == (
        "Budget-Sekretær-EBU",
        Role.SECRETARY,
        [committee_a],
    )
    listing = client.get(reverse("admin:agreements_ssogroupmapping_changelist"))
    assert "Budget-Sekretær-EBU" in listing.content.decode()
    change = client.get(reverse("admin:agreements_ssogroupmapping_change", args=[row.pk]))
    assert change.status_code == 200


def test_the_admin_refuses_an_empty_mapping_with_a_danish_message(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("admin:agreements_ssogroupmapping_add"), {"group": "Tom"})

    assert response.status_code == 200
    assert "Vælg en rolle, eller gør gruppen til administratorer." in response.content.decode()
    assert not SsoGroupMapping.objects.exists()


def test_access_is_read_in_a_fixed_number_of_queries(django_assert_num_queries):
    for n in range(10):
        mapping(f"Gruppe {n}", Role.SECRETARY, [CommitteeFactory()])

    # The mappings, and their committees (prefetched).
    with django_assert_num_queries(2):
        access_for_groups([f"Gruppe {n}" for n in range(10)])
