"""Excel pages: who may download and upload what, and the upload → preview → confirm flow."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from finance import excel
from finance.models import Appropriation, ImportBatch, ImportState
from milestones.models import ChangeSource, MilestoneStatus, RoundState
from tests.factories import save_row
from tests.finance.conftest import find_row, initiative, open_workbook, to_bytes, upload

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"finance:{name}", args=args)


def post_file(client, address: str, content: bytes, name: str = "status.xlsx"):
    return client.post(address, {"file": upload(content, name)})


# Downloads ---------------------------------------------------------------------------------


@pytest.fixture
def download_urls(agreement, open_round, committee_a):
    return {
        "overview": url("appropriation_overview", agreement.year),
        "template": url("appropriation_template", agreement.year),
        "status_committee": url("status_workbook_committee", open_round.pk, committee_a.code),
        "status_center": url(
            "status_workbook_center",
            open_round.pk,
            initiative(agreement, "3.8").responsible_center_id,
        ),
        "round_overview": url("round_overview", open_round.pk),
    }


@pytest.mark.parametrize(
    "which", ["overview", "template", "status_committee", "status_center", "round_overview"]
)
def test_anonymous_download_goes_to_login(client, download_urls, which):
    response = client.get(download_urls[which])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "which", ["overview", "template", "status_committee", "status_center", "round_overview"]
)
def test_user_without_role_may_not_download(client_for, no_role_user, download_urls, which):
    assert client_for(no_role_user).get(download_urls[which]).status_code == 403


@pytest.mark.parametrize(
    "which", ["overview", "template", "status_committee", "status_center", "round_overview"]
)
def test_finance_downloads_every_workbook(client_for, finance_user, download_urls, which):
    response = client_for(finance_user).get(download_urls[which])
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    assert open_workbook(response.content).sheetnames


def test_secretary_downloads_overviews_of_own_committee_only(
    client_for, secretary_a, download_urls, appropriations
):
    client = client_for(secretary_a)
    book = open_workbook(client.get(download_urls["overview"]).content)
    numbers = {row[0] for row in book["DRIFT"].iter_rows(min_row=4, values_only=True)}
    assert {"3.8", "3.9"} <= numbers
    assert not numbers & {"3.1", "3.10"}
    # Committee A has no ANLÆG money: the sheet has only its (zero) total row.
    assert [row[:4] for row in book["ANLÆG"].iter_rows(min_row=4, values_only=True)] == [
        (None, None, "I alt", 0)
    ]
    summary = open_workbook(client.get(download_urls["round_overview"]).content)
    assert summary.sheetnames == ["Oversigt", "EBU"]


@pytest.mark.parametrize("which", ["template", "status_committee", "status_center"])
def test_secretary_may_not_download_collection_workbooks(
    client_for, secretary_a, download_urls, which
):
    assert client_for(secretary_a).get(download_urls[which]).status_code == 403


def test_status_workbook_of_a_committee_not_read_by_the_user_is_not_found(
    client_for, finance_a, open_round, committee_b
):
    address = url("status_workbook_committee", open_round.pk, committee_b.code)
    assert client_for(finance_a).get(address).status_code == 404


def test_unknown_round_and_agreement_are_not_found(client_for, finance_user):
    client = client_for(finance_user)
    assert client.get(url("round_overview", 999)).status_code == 404
    assert client.get(url("appropriation_overview", 2099)).status_code == 404


def test_downloads_are_get_only(client_for, finance_user, download_urls):
    assert client_for(finance_user).post(download_urls["overview"]).status_code == 405


# The links on the agreement page -----------------------------------------------------------


def test_agreement_page_links_finance_to_template_and_upload(client_for, finance_user, agreement):
    page = client_for(finance_user).get(agreement.get_absolute_url()).content.decode()
    assert url("appropriation_overview", 2019) in page
    assert url("appropriation_template", 2019) in page
    assert url("appropriation_import", 2019) in page


def test_agreement_page_links_secretary_to_the_overview_only(client_for, secretary_a, agreement):
    page = client_for(secretary_a).get(agreement.get_absolute_url()).content.decode()
    assert url("appropriation_overview", 2019) in page
    assert url("appropriation_template", 2019) not in page
    assert url("appropriation_import", 2019) not in page


def test_round_links_partial_offers_downloads_and_upload_to_finance(
    rf, finance_user, open_round, committee_a, committee_b
):
    from django.template.loader import render_to_string

    html = render_to_string(
        "finance/_round_excel_links.html",
        {
            "round": open_round,
            "committees": [committee_a, committee_b],
            "can_edit": True,
            "user": finance_user,
        },
    )
    assert url("round_overview", open_round.pk) in html
    assert url("status_workbook_committee", open_round.pk, committee_a.code) in html
    assert url("status_workbook_committee", open_round.pk, committee_b.code) in html
    assert "Arbejdsmarked" in html and "Skoler" in html
    assert url("status_import", open_round.pk) in html


def test_round_links_partial_offers_secretary_the_overview_only(
    secretary_a, open_round, committee_a
):
    from django.template.loader import render_to_string

    html = render_to_string(
        "finance/_round_excel_links.html",
        {"round": open_round, "committees": [committee_a], "can_edit": False, "user": secretary_a},
    )
    assert url("round_overview", open_round.pk) in html
    assert "status/udvalg" not in html
    assert url("status_import", open_round.pk) not in html


def test_round_links_partial_hides_upload_when_locked(finance_user, open_round, committee_a):
    from django.template.loader import render_to_string

    open_round.state = RoundState.LOCKED
    html = render_to_string(
        "finance/_round_excel_links.html",
        {"round": open_round, "committees": [committee_a], "can_edit": True, "user": finance_user},
    )
    assert url("status_import", open_round.pk) not in html


# Upload pages ------------------------------------------------------------------------------


@pytest.fixture
def upload_urls(agreement, open_round):
    return {
        "appropriations": url("appropriation_import", agreement.year),
        "statuses": url("status_import", open_round.pk),
    }


@pytest.mark.parametrize("which", ["appropriations", "statuses"])
def test_anonymous_upload_goes_to_login(client, upload_urls, which):
    response = client.post(upload_urls[which], {"file": upload(b"PK")})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("which", ["appropriations", "statuses"])
def test_secretary_may_not_upload(client_for, secretary_a, upload_urls, which):
    client = client_for(secretary_a)
    assert client.get(upload_urls[which]).status_code == 403
    assert client.post(upload_urls[which], {"file": upload(b"PK")}).status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("which", ["appropriations", "statuses"])
def test_user_without_role_may_not_upload(client_for, no_role_user, upload_urls, which):
    assert client_for(no_role_user).get(upload_urls[which]).status_code == 403


@pytest.mark.parametrize("which", ["appropriations", "statuses"])
def test_upload_form_is_labelled(client_for, finance_user, upload_urls, which):
    page = client_for(finance_user).get(upload_urls[which]).content.decode()
    assert '<label for="id_file">Excel-fil (.xlsx)</label>' in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize("which", ["appropriations", "statuses"])
def test_upload_needs_csrf_token(finance_user, upload_urls, which):
    client = Client(enforce_csrf_checks=True)
    client.force_login(finance_user)
    response = client.post(upload_urls[which], {"file": upload(b"PK")})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_upload_without_file_asks_for_one(client_for, finance_user, upload_urls):
    response = client_for(finance_user).post(upload_urls["statuses"], {})
    assert response.status_code == 422
    assert "Vælg en fil at indlæse." in response.content.decode()


def test_upload_with_wrong_extension_is_refused(client_for, finance_user, upload_urls):
    response = client_for(finance_user).post(
        upload_urls["statuses"], {"file": upload(b"a;b\n", "status.csv")}
    )
    assert "Filen er ikke en Excel-projektmappe (.xlsx)" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_too_big_upload_is_refused_without_being_stored(client_for, finance_user, upload_urls):
    response = client_for(finance_user).post(
        upload_urls["appropriations"], {"file": upload(b"PK\x03\x04" + b"\0" * (6 << 20))}
    )
    assert response.status_code == 422
    assert "Filen er for stor. Den må højst fylde 5,0 MB." in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Den indsendte fil er tom."),
        (b"PK\x03\x04garbage", "Den er måske beskadiget."),
        (b"\x00" * 100, "Filen er ikke en Excel-projektmappe (.xlsx)."),
        ("æøå".encode() * 50, "Filen er ikke en Excel-projektmappe (.xlsx)."),
        (b"PK\x05\x06" + b"\0" * 18, "Filen er ikke en Excel-projektmappe (.xlsx)."),
    ],
)
@pytest.mark.parametrize("which", ["appropriations", "statuses"])
def test_garbage_upload_gets_a_message_never_a_server_error(
    client_for, finance_user, upload_urls, content, message, which
):
    response = client_for(finance_user).post(upload_urls[which], {"file": upload(content)})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_upload_with_problems_lists_them_and_stores_nothing(
    client_for, finance_user, agreement, appropriations
):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("appropriation_template", 2019)).content)
    sheet = book["DRIFT"]
    sheet.cell(row=find_row(sheet, 1, "3.8"), column=4).value = "mange"
    sheet.append(["7.7", None, "Ukendt", 5])
    response = post_file(client, url("appropriation_import", 2019), to_bytes(book), "b.xlsx")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Der er 2 fejl i filen." in page
    assert "»mange« er ikke et tal." in page
    assert "Indsats nr. 7.7 findes ikke i Aftale om budget 2019." in page
    assert '<th scope="col">Kolonne</th>' in page
    assert 'aria-invalid="true"' in page
    assert not ImportBatch.objects.exists()
    assert Appropriation.objects.count() == 7


def test_locked_round_shows_no_upload_form_and_refuses_uploads(
    client_for, finance_user, open_round
):
    client = client_for(finance_user)
    content = client.get(url("status_workbook_committee", open_round.pk, "EBU")).content
    open_round.state = RoundState.LOCKED
    open_round.save()
    page = client.get(url("status_import", open_round.pk)).content.decode()
    assert "er låst; der kan ikke indlæses statusser." in page
    assert 'type="file"' not in page
    response = post_file(client, url("status_import", open_round.pk), content)
    assert response.status_code == 422
    assert "er låst; der kan ikke indlæses statusser." in response.content.decode()
    assert not ImportBatch.objects.exists()


# Preview and confirm -----------------------------------------------------------------------


def test_status_round_trip_updates_data_and_history(client_for, finance_user, open_round):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    sheet = book[excel.STATUS_SHEET]
    row = find_row(sheet, 2, "3.9")
    sheet.cell(row=row, column=7).value = "Rød"
    sheet.cell(row=row, column=8).value = "Åbningen er udskudt til 2020."
    response = post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("import_preview", batch.pk)

    preview = client.get(response["Location"]).content.decode()
    assert "Åbningen er udskudt til 2020." in preview
    assert "Indlæs 1 ændring" in preview
    status = MilestoneStatus.objects.get(milestone__initiative__number="3.9")
    assert status.smiley == "not_assessed"  # nothing written before the confirmation

    response = client.post(url("import_confirm", batch.pk), follow=True)
    assert "1 ændring er indlæst." in response.content.decode()
    status.refresh_from_db()
    assert (status.smiley, status.text, status.version) == (
        "red",
        "Åbningen er udskudt til 2020.",
        2,
    )
    assert status.updated_by == finance_user
    record = status.history.first()
    assert (record.history_type, record.history_user, record.smiley, record.version) == (
        "~",
        finance_user,
        "red",
        2,
    )
    assert record.history_change_reason == f"Indlæst fra Excel (indlæsning {batch.pk})"
    assert record.history_source == ChangeSource.EXCEL
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLIED


def test_confirming_twice_applies_once(client_for, finance_user, open_round):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    book[excel.STATUS_SHEET].cell(row=4, column=7).value = "Grøn"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    client.post(url("import_confirm", batch.pk))
    response = client.post(url("import_confirm", batch.pk), follow=True)
    assert "Filen er allerede indlæst." in response.content.decode()
    assert MilestoneStatus.history.filter(history_type="~").count() == 1


def test_conflict_is_shown_with_both_values_and_not_applied(
    client_for, finance_user, admin_user, open_round
):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    sheet = book[excel.STATUS_SHEET]
    row_38, row_39 = find_row(sheet, 2, "3.8"), find_row(sheet, 2, "3.9")
    sheet.cell(row=row_38, column=7).value = "Gul"
    sheet.cell(row=row_38, column=8).value = "Fra centret"
    sheet.cell(row=row_39, column=7).value = "Grøn"
    # Meanwhile someone records 3.8 in the browser.
    save_row(
        open_round,
        initiative(open_round.agreement, "3.8"),
        actor=admin_user,
        smiley="red",
        text="Fra browseren",
    )
    status_38 = MilestoneStatus.objects.get(milestone__initiative__number="3.8")

    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    preview = client.get(url("import_preview", batch.pk)).content.decode()
    assert "1 konflikt indlæses ikke" in preview
    conflict_table = preview[preview.index("conflict-table") : preview.index("change-table")]
    # Field by field: the workbook's value, then the application's.
    assert re.search(r"Gul</td><td class=\"pre\">Rød", conflict_table)
    assert re.search(r"Fra centret</td><td class=\"pre\">Fra browseren", conflict_table)
    client.post(url("import_confirm", batch.pk))

    status_38.refresh_from_db()
    assert (status_38.smiley, status_38.text) == ("red", "Fra browseren")
    status_39 = MilestoneStatus.objects.get(milestone__initiative__number="3.9")
    assert status_39.smiley == "green"


def test_change_between_preview_and_confirm_renews_the_preview(
    client_for, finance_user, admin_user, open_round
):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    sheet = book[excel.STATUS_SHEET]
    sheet.cell(row=find_row(sheet, 2, "3.8"), column=7).value = "Gul"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    save_row(open_round, initiative(open_round.agreement, "3.8"), actor=admin_user, smiley="red")
    status = MilestoneStatus.objects.get(milestone__initiative__number="3.8")

    response = client.post(url("import_confirm", batch.pk), follow=True)
    page = response.content.decode()
    assert "Data er ændret, siden forhåndsvisningen blev lavet." in page
    assert "1 konflikt indlæses ikke" in page
    status.refresh_from_db()
    assert status.smiley == "red"
    batch.refresh_from_db()
    assert batch.state == ImportState.PENDING


def test_other_field_changed_between_preview_and_confirm_keeps_both(
    client_for, finance_user, admin_user, open_round
):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    sheet = book[excel.STATUS_SHEET]
    sheet.cell(row=find_row(sheet, 2, "3.8"), column=7).value = "Gul"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    item = initiative(open_round.agreement, "3.8")
    save_row(open_round, item, actor=admin_user, text="Fra browseren", economy_smiley="green")

    response = client.post(url("import_confirm", batch.pk), follow=True)
    assert "1 ændring er indlæst." in response.content.decode()
    status = MilestoneStatus.objects.get(milestone__initiative__number="3.8")
    assert (status.smiley, status.text) == ("yellow", "Fra browseren")
    assert open_round.economy_lines.get(initiative=item).smiley == "green"


def test_preview_counts_a_row_that_changes_status_and_economy_as_two_changes(
    client_for, finance_user, open_round
):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    sheet = book[excel.STATUS_SHEET]
    row = find_row(sheet, 2, "3.8")
    sheet.cell(row=row, column=7).value = "Gul"
    sheet.cell(row=row, column=10).value = "Grøn"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    preview = client.get(url("import_preview", batch.pk)).content.decode()
    # What the confirmation will count: a milestone status and an economy line.
    assert "Indlæs 2 ændringer" in preview
    assert "Smiley for økonomien" in preview
    response = client.post(url("import_confirm", batch.pk), follow=True)
    assert "2 ændringer er indlæst." in response.content.decode()


def test_status_text_beginning_with_equals_survives_download_and_upload(
    client_for, finance_user, admin_user, open_round
):
    text = "=Forsinket: se notatet"
    save_row(open_round, initiative(open_round.agreement, "3.9"), actor=admin_user, text=text)
    client = client_for(finance_user)
    content = client.get(url("status_workbook_committee", open_round.pk, "EBU")).content
    response = post_file(client, url("status_import", open_round.pk), content)
    assert response.status_code == 302, response.content.decode()
    preview = client.get(response["Location"]).content.decode()
    assert "Filen ændrer intet." in preview
    status = MilestoneStatus.objects.get(milestone__initiative__number="3.9")
    assert (status.text, status.version) == (text, 2)


def test_locked_round_refuses_the_confirmation(client_for, finance_user, open_round):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    book[excel.STATUS_SHEET].cell(row=4, column=7).value = "Grøn"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    open_round.state = RoundState.LOCKED
    open_round.save()
    response = client.post(url("import_confirm", batch.pk), follow=True)
    assert "er låst og kan ikke ændres." in response.content.decode()
    assert not MilestoneStatus.objects.filter(smiley="green").exists()


def test_cancel_discards_the_plan(client_for, finance_user, open_round):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    book[excel.STATUS_SHEET].cell(row=4, column=7).value = "Grøn"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    response = client.post(url("import_cancel", batch.pk), follow=True)
    assert "Indlæsningen er annulleret. Intet er ændret." in response.content.decode()
    response = client.post(url("import_confirm", batch.pk), follow=True)
    assert "Indlæsningen er annulleret." in response.content.decode()
    assert not MilestoneStatus.objects.filter(smiley="green").exists()


def test_preview_and_confirm_belong_to_the_uploader(
    client_for, finance_user, admin_user, open_round
):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    book[excel.STATUS_SHEET].cell(row=4, column=7).value = "Grøn"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    other = client_for(admin_user)
    assert other.get(url("import_preview", batch.pk)).status_code == 404
    assert other.post(url("import_confirm", batch.pk)).status_code == 404
    assert not MilestoneStatus.objects.filter(smiley="green").exists()


def test_confirm_is_post_only(client_for, finance_user, open_round):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("status_workbook_committee", open_round.pk, "EBU")).content)
    book[excel.STATUS_SHEET].cell(row=4, column=7).value = "Grøn"
    post_file(client, url("status_import", open_round.pk), to_bytes(book))
    batch = ImportBatch.objects.get()
    assert client.get(url("import_confirm", batch.pk)).status_code == 405
    assert not MilestoneStatus.objects.filter(smiley="green").exists()


def test_appropriation_round_trip_updates_the_tables(
    client_for, finance_user, agreement, appropriations
):
    client = client_for(finance_user)
    book = open_workbook(client.get(url("appropriation_template", 2019)).content)
    sheet = book["ANLÆG"]
    sheet.cell(row=find_row(sheet, 1, "3.8"), column=5).value = 250
    sheet.cell(row=find_row(sheet, 1, "3.10"), column=4).value = None
    response = post_file(client, url("appropriation_import", 2019), to_bytes(book), "b.xlsx")
    batch = ImportBatch.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert "1 ny bevilling" in preview and "1 bevilling fjernes" in preview
    assert batch.file_sha256 and batch.file_size > 0

    response = client.post(url("import_confirm", batch.pk), follow=True)
    assert "2 ændringer er indlæst." in response.content.decode()
    anlaeg = Appropriation.objects.filter(kind="anlaeg")
    assert [(a.initiative.number, a.year, a.amount) for a in anlaeg] == [("3.8", 2020, 250)]
