from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import BudgetAgreement, Role
from finance.excel import XLSX_CONTENT_TYPE
from milestones.models import FollowUpRound
from milestones.services import round_open
from tests.factories import (
    AppropriationFactory,
    CenterFactory,
    ChapterFactory,
    InitiativeFactory,
    MilestoneFactory,
    StaffProfileFactory,
)


def open_workbook(content: bytes):
    """A workbook to read or change, as a person would in Excel (not read-only)."""
    return openpyxl.load_workbook(io.BytesIO(content))


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "fil.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def find_row(sheet, column: int, value: str) -> int:
    """The number of the first row whose cell in ``column`` holds ``value``."""
    for row in sheet.iter_rows(min_col=column, max_col=column):
        if row[0].value == value:
            return row[0].row
    raise AssertionError(f"{value!r} not found in column {column} of {sheet.title}")


def header_columns(sheet, header_row: int) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[header_row] if cell.value is not None}


@pytest.fixture
def finance_a(committee_a):
    """Finance staff restricted to committee A."""
    return StaffProfileFactory(
        user__username="oekonomi-a", role=Role.FINANCE, committees=[committee_a]
    ).user


@pytest.fixture
def agreement(committee_a, committee_b):
    """An agreement of 2019 with four initiatives under two committees and two centers."""
    # Created directly: every factory call advances BudgetAgreementFactory's year sequence,
    # which the rest of the suite relies on to stay within the plausible years.
    agreement = BudgetAgreement.objects.create(
        year=2019,
        title="Aftale om budget 2019",
        milestone_green="Milepæl er opfyldt",
        milestone_yellow="Milepæl er ikke fuldt opfyldt",
        milestone_red="Milepæl er ikke opfyldt",
        economy_green="Budget er overholdt",
        economy_red="Budget ikke overholdt",
    )
    chapter = ChapterFactory(agreement=agreement, number=3, title="En stærk uddannelsesby")
    jobs = CenterFactory(name="Arbejdsmarked")
    schools = CenterFactory(name="Skoler")
    InitiativeFactory(
        chapter=chapter,
        number="3.8",
        title="Det specialiserede børneområde",
        responsible_committee=committee_a,
        responsible_center=jobs,
    )
    InitiativeFactory(
        chapter=chapter,
        number="3.9",
        title="Headspace",
        responsible_committee=committee_a,
        responsible_center=jobs,
    )
    InitiativeFactory(
        chapter=chapter,
        number="3.10",
        title="Familiehuset",
        responsible_committee=committee_b,
        responsible_center=schools,
    )
    InitiativeFactory(
        chapter=chapter,
        number="3.1",
        title="Kvalitet i dagtilbud",
        responsible_committee=committee_b,
        responsible_center=schools,
    )
    return agreement


def initiative(agreement, number: str):
    return agreement.chapters.get().initiatives.get(number=number)


@pytest.fixture
def appropriations(agreement):
    """3.8 DRIFT 2019-2022 (as in the 2019 agreement), 3.9 DRIFT 2019-2020, 3.10 ANLÆG 2019."""
    rows = {
        ("3.8", "drift"): {2019: "4711", 2020: "6541", 2021: "5698", 2022: "5364"},
        ("3.9", "drift"): {2019: "750", 2020: "750"},
        ("3.10", "anlaeg"): {2019: "500"},
    }
    for (number, kind), years in rows.items():
        for year, amount in years.items():
            AppropriationFactory(
                initiative=initiative(agreement, number),
                kind=kind,
                year=year,
                amount=Decimal(amount),
            )
    return rows


@pytest.fixture
def open_round(agreement, admin_user) -> FollowUpRound:
    """The 1st follow-up of 2019, opened: every initiative has a status and an economy line."""
    for number in ("3.8", "3.9", "3.10", "3.1"):
        MilestoneFactory(
            initiative=initiative(agreement, number), point=1, text=f"Milepæl for {number}."
        )
    return round_open(agreement=agreement, point=1, deadline=None, actor=admin_user)
