"""The real 2019 agreement: its DRIFT and ANLÆG tables survive a trip through the template, and
the overview's totals are the agreement's own."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from agreements.models import BudgetAgreement
from finance import exports
from finance.models import Appropriation, ImportKind, SavingsAmount
from finance.selectors import appropriation_totals
from finance.services import import_batch_confirm, import_batch_create
from tests.finance.conftest import open_workbook, upload

pytestmark = pytest.mark.django_db

# The totals printed under the agreement's tables, in 1.000 kr. (seeds/000, "I alt").
SOURCE_TOTALS = {
    "drift": {2019: 41801, 2020: 38581, 2021: 35088, 2022: 34054},
    "anlaeg": {2019: 38700, 2020: 42300, 2021: 8500, 2022: 8000},
}


def cells(agreement) -> list[tuple]:
    return sorted(
        Appropriation.objects.filter(agreement=agreement).values_list(
            "initiative__number", "kind", "year", "amount"
        )
    )


def test_2019_tables_round_trip_through_the_template(demo_data, finance_user):
    agreement = BudgetAgreement.objects.get(year=2019)
    source = cells(agreement)
    assert len(source) == 110
    content = exports.appropriation_template(agreement=agreement, user=finance_user)

    Appropriation.objects.filter(agreement=agreement).delete()  # the empty agreement
    batch = import_batch_create(
        kind=ImportKind.APPROPRIATIONS,
        upload=upload(content, "bevillinger-skabelon-2019.xlsx"),
        actor=finance_user,
        agreement=agreement,
    )
    assert {change["action"] for change in batch.plan["changes"]} == {"create"}
    assert import_batch_confirm(batch=batch, actor=finance_user) == 110

    assert cells(agreement) == source
    totals = appropriation_totals(agreement)
    assert {kind: table.values for kind, table in totals.items()} == SOURCE_TOTALS


def test_2019_overview_totals_equal_the_agreements_tables(demo_data, finance_user):
    agreement = BudgetAgreement.objects.get(year=2019)
    book = open_workbook(exports.appropriation_overview(agreement=agreement, user=finance_user))
    for kind, sheet_name in (("drift", "DRIFT"), ("anlaeg", "ANLÆG")):
        sheet = book[sheet_name]
        total = next(row for row in sheet.iter_rows(min_row=4) if row[2].value == "I alt")
        assert [cell.value for cell in total[3:7]] == list(SOURCE_TOTALS[kind].values())
        assert total[7].value == sum(SOURCE_TOTALS[kind].values())
        assert {cell.number_format for cell in total[3:8]} == {"#,##0"}


def test_2019_overview_lists_the_savings_catalogue(demo_data, finance_user):
    agreement = BudgetAgreement.objects.get(year=2019)
    book = open_workbook(exports.appropriation_overview(agreement=agreement, user=finance_user))
    sheet = book["Omstillingscases"]
    rows = {row[0].value or row[1].value: row for row in sheet.iter_rows(min_row=4)}
    codes = [key for key in rows if key and re.fullmatch(r"[A-ZÆØÅ]+-\d+[A-Z]?", key)]
    assert len(codes) == 43
    assert [cell.value for cell in rows["ØKU-04"][2:7]] == [None, -1, -1, -1, 10]
    assert rows["ØKU-04"][3].number_format == "#,##0.00"
    tmu = rows["I alt Teknik- og Miljøudvalget"]
    expected = (
        SavingsAmount.objects.filter(savings_case__committee__code="TMU", agreement=agreement)
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by("year")
    )
    assert [Decimal(str(cell.value)) for cell in tmu[2:6]] == [row["total"] for row in expected]


def test_2019_status_workbook_has_a_row_per_initiative_of_the_round(demo_data, finance_user):
    agreement = BudgetAgreement.objects.get(year=2019)
    round_ = agreement.rounds.get(point=1)
    book = open_workbook(exports.status_workbook(round=round_, user=finance_user))
    sheet = book["Status"]
    numbers = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(numbers) == agreement.chapters.values("initiatives").count()
    assert numbers[:3] == ["1.1", "1.2", "1.3"]
