"""Helpers for the report tests: a small agreement, and the text of a PDF page by page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from agreements.models import InitiativeKind
from milestones.models import EconomyLine, MilestoneStatus, Smiley
from milestones.services import round_open
from tests.factories import (
    BudgetAgreementFactory,
    CenterFactory,
    ChapterFactory,
    InitiativeFactory,
    MilestoneFactory,
)


def pdf_pages(pdf: bytes) -> list[str]:
    """The extracted text of every page, in order."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    """Text without any white space: line breaks inside table cells do not matter."""
    return re.sub(r"\s+", "", text)


def smiley_words(text: str) -> list[str]:
    """The smiley levels a text shows, in order, as the pictograms' labels spell them."""
    return re.findall(r"\b(?:Grøn|Gul|Rød|Ikke\s+vurderet)\b", text)


@pytest.fixture
def small_agreement(committee_a, committee_b):
    """Budget 2031 with three initiatives of committee A (one closed) and one of committee B."""
    agreement = BudgetAgreementFactory(
        year=2031,
        title="Aftale om budget 2031",
        reading_guide="Denne læsevejledning forklarer smileys.",
        email="okonomi@balk.dk",
        case_id="00.30.00-S00-9-31",
    )
    erhverv = ChapterFactory(agreement=agreement, number=5, title="En førende erhvervsby")
    skole = ChapterFactory(agreement=agreement, number=3, title="En stærk uddannelsesby")
    center = CenterFactory(name="By, Erhverv og Miljø")
    kildedal = InitiativeFactory(
        chapter=erhverv,
        number="5.1",
        title="Udvikling af Kildedal",
        kind=InitiativeKind.CAPITAL,
        responsible_committee=committee_a,
        responsible_center=center,
        contributors="Politisk Sekretariat",
        elaboration="Der forhandles med Vejdirektoratet.",
    )
    MilestoneFactory(initiative=kildedal, point=1, text="Dialog med staten er indledt.")
    MilestoneFactory(initiative=kildedal, point=2, text="Lokalplanforslag er behandlet.")
    InitiativeFactory(
        chapter=erhverv,
        number="5.2",
        title="Lautrup Erhvervspark",
        responsible_committee=committee_a,
    )
    InitiativeFactory(
        chapter=erhverv,
        number="5.3",
        title="Afsluttet erhvervsindsats",
        responsible_committee=committee_a,
        closed=True,
    )
    InitiativeFactory(
        chapter=skole, number="3.1", title="Skolernes madordning", responsible_committee=committee_b
    )
    return agreement


@pytest.fixture
def small_round(small_agreement, admin_user):
    """The open first round of budget 2031, with 5.1 assessed yellow and its economy green."""
    round_ = round_open(agreement=small_agreement, point=1, deadline=None, actor=admin_user)
    MilestoneStatus.objects.filter(round=round_, milestone__initiative__number="5.1").update(
        smiley=Smiley.YELLOW, text="Processen er forsinket."
    )
    EconomyLine.objects.filter(round=round_, initiative__number="5.1").update(
        text="Besparelse i 2031: 0,5 mio. kr.", smiley=Smiley.GREEN, status_text="Opnået."
    )
    return round_
