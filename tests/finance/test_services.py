"""The import services: the rules of the browser hold in bulk, all or nothing, and the number of
queries does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Initiative
from agreements.text import text_digest
from finance import excel, exports
from finance.imports import plan_appropriation_upload, plan_status_upload
from finance.models import Appropriation, ImportBatch, ImportKind
from finance.services import (
    ImportNotPending,
    ImportOutdated,
    ImportRefused,
    appropriations_bulk_set,
    import_batch_confirm,
    import_batch_create,
    statuses_bulk_set,
)
from milestones.models import ChangeSource, EconomyLine, MilestoneStatus, RoundLocked, RoundState
from milestones.services import ROW_FIELDS, round_open, row_records
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    InitiativeFactory,
    MilestoneFactory,
    row_post_data,
    save_row,
)
from tests.finance.conftest import find_row, initiative, open_workbook, to_bytes, upload

pytestmark = pytest.mark.django_db


def status(number: str) -> MilestoneStatus:
    return MilestoneStatus.objects.get(milestone__initiative__number=number)


def change(round_, number: str, **values) -> dict:
    """A row of a status workbook downloaded now, as planned: each field changed to ``values``,
    with the fingerprint of the value stored now (what the workbook was downloaded with)."""
    item = Initiative.objects.get(chapter__agreement=round_.agreement, number=number)
    records = row_records(round_, [item.pk], lock=False)[item.pk]
    edits = {}
    for name, value in values.items():
        field = ROW_FIELDS[name]
        stored = getattr(records.part(field.part), field.attr)
        edits[name] = {"new": value, "digest": text_digest(stored)}
    return {"row": 4, "initiative": item.pk, "label": item.label, "edits": edits, "fields": []}


def status_change(round_, number: str, smiley="green", text="Milepælen er nået.") -> dict:
    return change(round_, number, smiley=smiley, text=text)


# statuses_bulk_set: the browser's rules, in bulk -------------------------------------------


def test_bulk_set_writes_one_history_record_per_changed_record(open_round, finance_user):
    written = statuses_bulk_set(
        round=open_round,
        changes=[
            change(
                open_round,
                "3.8",
                smiley="green",
                text="Milepælen er nået.",
                economy_text="0,5 mio. kr.",
                economy_smiley="red",
            ),
            change(open_round, "3.9", smiley="red"),
        ],
        actor=finance_user,
        reason="Indlæst fra Excel",
    )
    assert written == 3  # two statuses and one economy line
    record = status("3.8").history.first()
    assert (record.smiley, record.text, record.version, record.history_user) == (
        "green",
        "Milepælen er nået.",
        2,
        finance_user,
    )
    assert record.history_change_reason == "Indlæst fra Excel"
    line = EconomyLine.objects.get(initiative__number="3.8")
    assert (line.text, line.smiley, line.version, line.updated_by) == (
        "0,5 mio. kr.",
        "red",
        2,
        finance_user,
    )
    assert line.history.filter(history_type="~").count() == 1
    assert (
        not EconomyLine.objects.get(initiative__number="3.9")
        .history.filter(history_type="~")
        .exists()
    )


def test_bulk_set_records_the_excel_path_and_the_uploader_in_the_history(open_round, finance_user):
    statuses_bulk_set(
        round=open_round,
        changes=[change(open_round, "3.8", smiley="yellow", economy_smiley="green")],
        actor=finance_user,
    )
    line = EconomyLine.objects.get(initiative__number="3.8")
    for record in (status("3.8").history.first(), line.history.first()):
        assert (record.history_type, record.history_source, record.history_user) == (
            "~",
            ChangeSource.EXCEL,
            finance_user,
        )


def test_bulk_set_refuses_a_locked_round(open_round, finance_user):
    planned = [status_change(open_round, "3.8")]
    open_round.state = RoundState.LOCKED
    open_round.save()
    with pytest.raises(RoundLocked):
        statuses_bulk_set(round=open_round, changes=planned, actor=finance_user)
    assert status("3.8").smiley == "not_assessed"


def test_bulk_set_refuses_a_committee_the_actor_may_not_edit(open_round, finance_a):
    with pytest.raises(PermissionDenied):
        statuses_bulk_set(
            round=open_round,
            changes=[status_change(open_round, "3.8"), status_change(open_round, "3.10")],
            actor=finance_a,
        )
    assert status("3.8").smiley == "not_assessed"  # all or nothing


def test_bulk_set_refuses_a_secretary(open_round, secretary_a):
    with pytest.raises(PermissionDenied):
        statuses_bulk_set(
            round=open_round, changes=[status_change(open_round, "3.8")], actor=secretary_a
        )


def test_bulk_set_refuses_yellow_on_the_economy_scale(open_round, finance_user):
    with pytest.raises(ValidationError):
        statuses_bulk_set(
            round=open_round,
            changes=[
                status_change(open_round, "3.8"),
                change(open_round, "3.9", economy_smiley="yellow"),
            ],
            actor=finance_user,
        )
    assert status("3.8").smiley == "not_assessed"


def test_bulk_set_refuses_too_long_text(open_round, finance_user):
    with pytest.raises(ValidationError):
        statuses_bulk_set(
            round=open_round,
            changes=[status_change(open_round, "3.8", text="x" * 4001)],
            actor=finance_user,
        )
    assert status("3.8").text == ""


def test_bulk_set_refuses_a_field_changed_in_the_application_since_the_download(
    open_round, agreement, finance_user, admin_user
):
    planned = [status_change(open_round, "3.8", smiley="green", text="Fra Excel")]
    save_row(open_round, initiative(agreement, "3.8"), actor=admin_user, smiley="red")
    with pytest.raises(ImportOutdated):
        statuses_bulk_set(
            round=open_round,
            changes=[*planned, status_change(open_round, "3.9")],
            actor=finance_user,
        )
    # Nothing written: not the conflicting field, not the other field, not the other row.
    assert (status("3.8").smiley, status("3.8").text, status("3.8").version) == ("red", "", 2)
    assert status("3.9").version == 1


def test_bulk_set_applies_a_field_while_another_changed_in_the_application(
    open_round, agreement, finance_user, admin_user
):
    planned = [change(open_round, "3.8", smiley="green")]
    save_row(open_round, initiative(agreement, "3.8"), actor=admin_user, text="Fra browseren")
    assert statuses_bulk_set(round=open_round, changes=planned, actor=finance_user) == 1
    stored = status("3.8")
    assert (stored.smiley, stored.text, stored.version) == ("green", "Fra browseren", 3)


def test_bulk_set_of_the_current_values_writes_nothing(open_round, finance_user):
    written = statuses_bulk_set(
        round=open_round,
        changes=[status_change(open_round, "3.8", "not_assessed", "")],
        actor=finance_user,
    )
    assert written == 0
    assert not MilestoneStatus.history.filter(history_type="~").exists()


def test_imported_text_is_stored_as_the_same_text_saved_in_the_browser(
    client_for, open_round, agreement, finance_user
):
    typed = "  Første linje \r\nAnden linje\t\r\n\r\n"
    # In the browser: the row form of the round page.
    client = client_for(finance_user)
    browser_row = initiative(agreement, "3.9")
    response = client.post(
        reverse("milestones:row", args=[open_round.pk, browser_row.pk]),
        row_post_data(open_round, browser_row, text=typed),
    )
    assert response.status_code == 302  # saved, back to the round page
    # In Excel: the same text in the status cell, where Excel writes a carriage return as
    # _x000D_ in the file.
    book = open_workbook(exports.status_workbook(round=open_round, user=finance_user))
    sheet = book[excel.STATUS_SHEET]
    sheet.cell(row=find_row(sheet, 2, "3.8"), column=8).value = typed.replace("\r", "_x000D_")
    batch = import_batch_create(
        kind=ImportKind.STATUSES,
        upload=upload(to_bytes(book)),
        actor=finance_user,
        round=open_round,
    )
    assert import_batch_confirm(batch=batch, actor=finance_user) == 1
    from_browser, from_excel = status("3.9").text, status("3.8").text
    assert from_excel.encode() == from_browser.encode() == "Første linje\nAnden linje".encode()


# Batches: all or nothing, confirmed once, by the uploader ----------------------------------


def test_invalid_file_creates_no_batch_and_changes_nothing(agreement, appropriations, finance_user):
    book = open_workbook(exports.appropriation_template(agreement=agreement, user=finance_user))
    sheet = book["DRIFT"]
    sheet.cell(row=find_row(sheet, 1, "3.8"), column=4).value = 1  # a valid change …
    sheet.cell(row=find_row(sheet, 1, "3.9"), column=4).value = "x"  # … and an invalid one
    with pytest.raises(ImportRefused) as refused:
        import_batch_create(
            kind=ImportKind.APPROPRIATIONS,
            upload=upload(to_bytes(book)),
            actor=finance_user,
            agreement=agreement,
        )
    assert len(refused.value.plan.problems) == 1
    assert not ImportBatch.objects.exists()
    assert Appropriation.objects.get(initiative__number="3.8", year=2019).amount == 4711


def test_secretary_cannot_create_a_batch(agreement, secretary_a):
    with pytest.raises(PermissionDenied):
        import_batch_create(
            kind=ImportKind.APPROPRIATIONS,
            upload=upload(b"PK"),
            actor=secretary_a,
            agreement=agreement,
        )


def test_appropriations_changed_after_the_preview_refuse_the_plan(
    agreement, appropriations, finance_user
):
    book = open_workbook(exports.appropriation_template(agreement=agreement, user=finance_user))
    sheet = book["DRIFT"]
    sheet.cell(row=find_row(sheet, 1, "3.8"), column=4).value = 1
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=to_bytes(book))
    Appropriation.objects.filter(initiative__number="3.9", year=2019).update(amount=1)
    with pytest.raises(ImportOutdated):
        appropriations_bulk_set(
            agreement=agreement,
            changes=plan.changes,
            base_digest=plan.base_digest,
            actor=finance_user,
        )
    assert Appropriation.objects.get(initiative__number="3.8", year=2019).amount == 4711


def test_outdated_appropriation_batch_gets_a_renewed_plan(agreement, appropriations, finance_user):
    book = open_workbook(exports.appropriation_template(agreement=agreement, user=finance_user))
    batch = import_batch_create(
        kind=ImportKind.APPROPRIATIONS,
        upload=upload(to_bytes(book)),
        actor=finance_user,
        agreement=agreement,
    )
    assert batch.plan["changes"] == []
    Appropriation.objects.filter(initiative__number="3.9", year=2019).update(amount=1)
    with pytest.raises(ImportOutdated):
        import_batch_confirm(batch=batch, actor=finance_user)
    batch.refresh_from_db()
    # The file says 750: confirming the renewed plan would set it back.
    assert [(c["action"], c["old"], c["new"]) for c in batch.plan["changes"]] == [
        ("update", "1", "750")
    ]


def test_expired_preview_cannot_be_confirmed(open_round, finance_user):
    book = open_workbook(exports.status_workbook(round=open_round, user=finance_user))
    book[excel.STATUS_SHEET].cell(row=4, column=7).value = "Grøn"
    batch = import_batch_create(
        kind=ImportKind.STATUSES,
        upload=upload(to_bytes(book)),
        actor=finance_user,
        round=open_round,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=batch.created_at - timedelta(days=2))
    with pytest.raises(ImportNotPending):
        import_batch_confirm(batch=batch, actor=finance_user)
    assert not MilestoneStatus.objects.filter(smiley="green").exists()


def test_only_the_uploader_confirms(open_round, finance_user, admin_user):
    book = open_workbook(exports.status_workbook(round=open_round, user=finance_user))
    book[excel.STATUS_SHEET].cell(row=4, column=7).value = "Grøn"
    batch = import_batch_create(
        kind=ImportKind.STATUSES,
        upload=upload(to_bytes(book)),
        actor=finance_user,
        round=open_round,
    )
    with pytest.raises(PermissionDenied):
        import_batch_confirm(batch=batch, actor=admin_user)


def test_batch_keeps_the_files_fingerprint_not_the_file(open_round, finance_user):
    import hashlib

    content = exports.status_workbook(round=open_round, user=finance_user)
    batch = import_batch_create(
        kind=ImportKind.STATUSES,
        upload=upload(content, "../../etc/passwd.xlsx"),
        actor=finance_user,
        round=open_round,
    )
    assert batch.file_sha256 == hashlib.sha256(content).hexdigest()
    assert batch.file_size == len(content)
    assert batch.file_name == "passwd.xlsx"  # only ever shown as text, never used as a path
    assert content not in repr(batch.plan).encode()


# Queries do not grow per row ---------------------------------------------------------------


def _round_with(size: int, committee, admin_user):
    agreement = BudgetAgreementFactory(year=2100 + size)
    chapter = ChapterFactory(agreement=agreement, number=1)
    for index in range(size):
        item = InitiativeFactory(
            chapter=chapter, number=f"1.{index + 1}", responsible_committee=committee
        )
        MilestoneFactory(initiative=item, point=1)
    return round_open(agreement=agreement, point=1, deadline=None, actor=admin_user)


def _status_import_queries(size, committee, admin_user, finance_user) -> tuple[int, int, int]:
    round_ = _round_with(size, committee, admin_user)
    book = open_workbook(exports.status_workbook(round=round_, user=finance_user))
    sheet = book[excel.STATUS_SHEET]
    for row in range(4, 4 + size):
        sheet.cell(row=row, column=7).value = "Grøn"
        sheet.cell(row=row, column=10).value = "Rød"
    data = to_bytes(book)
    user = type(finance_user).objects.get(pk=finance_user.pk)
    with CaptureQueriesContext(connection) as planning:
        plan = plan_status_upload(round=round_, user=user, data=data)
    batch = ImportBatch.objects.create(
        kind=ImportKind.STATUSES,
        round=round_,
        uploaded_by=user,
        file_sha256="0" * 64,
        file_size=len(data),
        plan=plan.to_json(),
    )
    with CaptureQueriesContext(connection) as confirming:
        written = import_batch_confirm(batch=batch, actor=user)
    assert written == 2 * size
    return (
        len(planning),
        len(confirming),
        MilestoneStatus.history.filter(
            history_type="~", milestone__initiative__chapter__agreement=round_.agreement
        ).count(),
    )


def test_status_import_queries_do_not_grow_per_row(committee_a, admin_user, finance_user):
    few = _status_import_queries(3, committee_a, admin_user, finance_user)
    many = _status_import_queries(30, committee_a, admin_user, finance_user)
    # Planning (4): the initiatives, the user's role with committees (one query), the statuses
    # and the economy lines. Confirming (16): two savepoints and their releases; the batch with
    # its round (locked); the initiatives (to check the permission); the round (locked, in the
    # service); the statuses and the economy lines (locked); per kind (statuses, economy
    # lines) the locked-round guard of the bulk write, the bulk write and the bulk insert of
    # history; the batch's new state.
    assert few[:2] == many[:2]
    assert few[:2] == (4, 16), few
    assert (few[2], many[2]) == (3, 30)


def _appropriation_import_queries(size, committee, finance_user) -> tuple[int, int]:
    agreement = BudgetAgreementFactory(year=2150 + size)
    chapter = ChapterFactory(agreement=agreement, number=1)
    for index in range(size):
        InitiativeFactory(chapter=chapter, number=f"1.{index + 1}", responsible_committee=committee)
    book = open_workbook(exports.appropriation_template(agreement=agreement, user=finance_user))
    for row in book["DRIFT"].iter_rows(min_row=5):
        for cell in row[3:7]:
            cell.value = 100
    data = to_bytes(book)
    user = type(finance_user).objects.get(pk=finance_user.pk)
    with CaptureQueriesContext(connection) as planning:
        plan = plan_appropriation_upload(agreement=agreement, user=user, data=data)
    batch = ImportBatch.objects.create(
        kind=ImportKind.APPROPRIATIONS,
        agreement=agreement,
        uploaded_by=user,
        file_sha256="0" * 64,
        file_size=len(data),
        plan=plan.to_json(),
    )
    with CaptureQueriesContext(connection) as confirming:
        assert import_batch_confirm(batch=batch, actor=user) == 4 * size
    assert Appropriation.objects.filter(agreement=agreement).count() == 4 * size
    return len(planning), len(confirming)


def test_appropriation_import_queries_do_not_grow_per_row(committee_a, finance_user):
    few = _appropriation_import_queries(3, committee_a, finance_user)
    many = _appropriation_import_queries(30, committee_a, finance_user)
    # Planning (3): the initiatives, the user's role with committees (one query), the
    # appropriations. Confirming (10): two savepoints and their releases; the batch with its
    # agreement (locked); the agreement again (locked, in the service); the initiatives, the
    # appropriations for the fingerprint and again locked; one bulk insert (no updates or
    # removals here); the batch's new state.
    assert few == many
    assert few == (3, 10), few


def test_bulk_amounts_are_exact_decimals(agreement, finance_user):
    from finance.imports import AppropriationContext, appropriation_base_digest

    context = AppropriationContext.load(agreement, finance_user)
    item = agreement.chapters.get().initiatives.get(number="3.8")
    appropriations_bulk_set(
        agreement=agreement,
        changes=[
            {
                "action": "create",
                "initiative": item.pk,
                "kind": "drift",
                "year": 2019,
                "old": None,
                "new": "-0.1",
            }
        ],
        base_digest=appropriation_base_digest(context.scope, context.current),
        actor=finance_user,
    )
    assert Appropriation.objects.get().amount == Decimal("-0.1")
