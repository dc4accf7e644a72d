"""The one text rule: the same words are stored in the same bytes, whichever path wrote them."""

from __future__ import annotations

import unicodedata

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.models import Chapter, Initiative
from agreements.text import normalize_stored_texts, normalize_text, text_digest
from milestones.models import EconomyLine, MilestoneStatus
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    InitiativeFactory,
    StaffProfileFactory,
    UserFactory,
    open_round,
    save_row,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Linje et\r\nLinje to", "Linje et\nLinje to"),
        ("Linje et\rLinje to", "Linje et\nLinje to"),
        ("Linje et\u2028Linje to\u2029", "Linje et\nLinje to"),
        ("  omkring  \n", "omkring"),
        ("blanke i enden   \nnæste", "blanke i enden\nnæste"),
        ("\ufeffstyretegn\x00\x07\x1b", "styretegn"),
        ("tab\tbeholdes", "tab\tbeholdes"),
        ("a\u030a", "å"),  # decomposed å becomes one code point (NFC)
        ("1.000\u00a0kr.", "1.000\u00a0kr."),  # a no-break space is meant
        (None, ""),
    ],
)
def test_the_text_rule(raw, stored):
    assert normalize_text(raw) == stored


def test_a_single_line_text_joins_its_lines():
    assert normalize_text("Center for\r\n  Arbejdsmarked ", single_line=True) == (
        "Center for Arbejdsmarked"
    )


@given(st.text())
def test_the_rule_is_idempotent_and_leaves_nothing_it_removes(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "\r" not in once and "\x00" not in once
    assert once == once.strip()
    assert unicodedata.is_normalized("NFC", once)
    assert text_digest(text) == text_digest(once)


@pytest.mark.django_db
def test_every_write_of_the_model_api_applies_the_rule(committee_a):
    chapter = ChapterFactory(title="Et\r\nkapitel ")
    assert Chapter.objects.get(pk=chapter.pk).title == "Et kapitel"
    Chapter.objects.filter(pk=chapter.pk).update(introduction="Indledning\r\n")
    assert Chapter.objects.get(pk=chapter.pk).introduction == "Indledning"
    [made] = Initiative.objects.bulk_create(
        [
            Initiative(
                chapter=chapter,
                number="1.1",
                sort_key="1",
                title=" Titel\x00 ",
                description="a\r\nb",
                responsible_committee=committee_a,
            )
        ]
    )
    stored = Initiative.objects.get(pk=made.pk)
    assert (stored.title, stored.description) == ("Titel", "a\nb")


@pytest.mark.django_db
def test_the_data_migration_normalises_what_is_stored(committee_a):
    initiative = InitiativeFactory(responsible_committee=committee_a)
    # Written around the fields, as rows stored before the rule came in.
    from django.db import connection

    table = Initiative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET description = %s WHERE id = %s",  # noqa: S608 - our table
            ["Gammel\r\ntekst  ", initiative.pk],
        )
    assert Initiative.objects.values_list("description", flat=True).get(pk=initiative.pk) == (
        "Gammel\r\ntekst  "
    )
    assert normalize_stored_texts(apps, "agreements") == 1
    assert Initiative.objects.values_list("description", flat=True).get(pk=initiative.pk) == (
        "Gammel\ntekst"
    )
    assert normalize_stored_texts(apps, "agreements") == 0


# The same words through every path ----------------------------------------------------------

WORDS = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po"),
        whitelist_characters="\r\n\t\u00e5\u00f8\u00e6a\u030a\ufeff\x00",
    ),
    max_size=60,
)


@pytest.fixture
def paths(db, client, committee_a):
    agreement = BudgetAgreementFactory(year=2019)
    chapter = ChapterFactory(agreement=agreement, number=5)
    browser_initiative = InitiativeFactory(chapter=chapter, responsible_committee=committee_a)
    admin_initiative = InitiativeFactory(chapter=chapter, responsible_committee=committee_a)
    service_initiative = InitiativeFactory(chapter=chapter, responsible_committee=committee_a)
    round_ = open_round(agreement)
    finance = StaffProfileFactory().user
    admin = UserFactory(username="tekst-admin", is_staff=True, is_superuser=True)
    return {
        "round": round_,
        "browser": browser_initiative,
        "admin": admin_initiative,
        "service": service_initiative,
        "finance": finance,
        "admin_user": admin,
        "client": client,
    }


def _stored(round_, initiative) -> str:
    return MilestoneStatus.objects.get(round=round_, milestone__initiative=initiative).text


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(words=WORDS)
def test_the_same_words_are_stored_byte_for_byte_the_same_by_every_path(paths, words):
    round_, client = paths["round"], paths["client"]
    # The browser: the round page's row form, as a browser posts a textarea (CR LF).
    browser = paths["browser"]
    client.force_login(paths["finance"])
    stored_before = _stored(round_, browser)
    client.post(
        reverse("milestones:row", args=[round_.pk, browser.pk]),
        {"text": words.replace("\n", "\r\n"), "initial-text": stored_before},
        HTTP_HX_REQUEST="true",
    )
    # Admin: the status's change form.
    status = MilestoneStatus.objects.get(round=round_, milestone__initiative=paths["admin"])
    client.force_login(paths["admin_user"])
    client.post(
        reverse("admin:milestones_milestonestatus_change", args=[status.pk]),
        {
            "smiley": status.smiley,
            "initial-smiley": status.smiley,
            "text": words,
            "initial-text": status.text,
        },
    )
    # The service, as a command or an import would call it.
    save_row(round_, paths["service"], paths["finance"], text=words)

    expected = normalize_text(words)
    assert _stored(round_, browser) == expected
    assert _stored(round_, paths["admin"]) == expected
    assert _stored(round_, paths["service"]) == expected


@pytest.mark.django_db
def test_economy_texts_follow_the_rule_too(paths):
    round_ = paths["round"]
    save_row(round_, paths["service"], paths["finance"], economy_text=" 0,5 mio. kr.\r\n")
    line = EconomyLine.objects.get(round=round_, initiative=paths["service"])
    assert line.text == "0,5 mio. kr."
