"""Every model in Django admin opens for an administrator, with the real data loaded."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from agreements.models import Initiative

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Single sign-on groups are the municipality's own, so the demo has none: their admin is tested
# in tests/accounts/test_group_mapping.py.
OURS = [
    m
    for m in REGISTERED
    if m._meta.app_label in {"agreements", "milestones", "finance"}
    and m._meta.label != "agreements.SsoGroupMapping"
]


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_admin_changelist_opens(demo_data, client_for, admin_user, model):
    response = client_for(admin_user).get(_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_admin_change_form_opens(demo_data, client_for, admin_user, model):
    obj = model._default_manager.first()
    if obj is None:
        pytest.fail(f"The demo data has no {model._meta.label}")
    response = client_for(admin_user).get(_url(model, "change", obj.pk))
    assert response.status_code == 200


def test_admin_initiative_search_by_number(demo_data, client_for, admin_user):
    response = client_for(admin_user).get(_url(Initiative, "changelist"), {"q": "3.8"})
    content = response.content.decode()
    assert "Fællesskabsmodel" in content
    assert "Ny sundhedspolitik" not in content


def test_admin_initiative_filter_by_committee(demo_data, client_for, admin_user):
    from agreements.models import Committee

    ebu = Committee.objects.get(code="EBU")
    response = client_for(admin_user).get(
        _url(Initiative, "changelist"),
        {
            "responsible_committee__id__exact": ebu.pk,
            "chapter__agreement__id__exact": Initiative.objects.filter(
                chapter__agreement__year=2019
            )
            .first()
            .chapter.agreement_id,
        },
    )
    shown = response.context["cl"].result_list
    assert shown and all(i.responsible_committee_id == ebu.pk for i in shown)


def test_admin_is_refused_for_finance_staff(client_for, finance_user):
    response = client_for(finance_user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
