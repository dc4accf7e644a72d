from __future__ import annotations

import pytest

from agreements.models import BudgetAgreement
from finance import exports
from finance.models import Appropriation
from tests.factories import StaffProfileFactory
from tests.finance.conftest import find_row, open_workbook, to_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_user_imports_appropriations_from_excel(
    demo_data_tx, live_server, page, login, axe_check, tmp_path
):
    user = StaffProfileFactory(user__username="ole", user__password="korrekt-hest-batteri").user
    agreement = BudgetAgreement.objects.get(year=2019)
    book = open_workbook(exports.appropriation_template(agreement=agreement, user=user))
    sheet = book["DRIFT"]
    row = find_row(sheet, 1, "3.8")
    sheet.cell(row=row, column=4).value = "mange"
    broken = tmp_path / "bevillinger-fejl.xlsx"
    broken.write_bytes(to_bytes(book))
    sheet.cell(row=row, column=4).value = 5000
    good = tmp_path / "bevillinger.xlsx"
    good.write_bytes(to_bytes(book))

    login(page, "ole", "korrekt-hest-batteri")
    page.get_by_role("link", name="Aftale om budget 2019").click()
    page.get_by_role("link", name="Indlæs bevillinger fra Excel").click()
    axe_check(page)

    page.get_by_label("Excel-fil (.xlsx)").set_input_files(str(broken))
    page.get_by_role("button", name="Vis ændringerne").click()
    assert "»mange« er ikke et tal." in page.get_by_role("table").inner_text()
    axe_check(page)

    page.get_by_label("Excel-fil (.xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Vis ændringerne").click()
    assert "1 bevilling ændres" in page.get_by_role("main").inner_text()
    axe_check(page)

    page.get_by_role("button", name="Indlæs 1 ændring").click()
    assert "1 ændring er indlæst." in page.get_by_role("status").inner_text()
    axe_check(page)
    amount = Appropriation.objects.get(initiative__number="3.8", kind="drift", year=2019).amount
    assert amount == 5000
