"""Property tests: whatever bytes or cell values arrive, the importers answer with a plan (with
problems where the file is bad), never with an exception, and an upload never makes a 500."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from agreements.text import normalize_text
from finance import exports
from finance.imports import ImportPlan, plan_appropriation_upload, plan_status_upload
from finance.models import ImportBatch
from tests.finance.conftest import open_workbook, to_bytes, upload

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cell_values = st.one_of(
    st.none(),
    st.text(max_size=30).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.sampled_from(
        [
            "Grøn",
            "gul",
            "Rød",
            "Ikke vurderet",
            "3.8",
            "3.10",
            "Nr.",
            "Reference",
            "2019",
            "2023",
            "1.500",
            "-0,5",
            "=1+1",
            "=SUM(A1:A3)",
            "#DIV/0!",
            "Smiley",
            "DRIFT",
        ]
    ),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    # Excel has no time zones: dates arrive as naive datetimes.
    st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 1, 1)),
)
cells = st.lists(
    st.tuples(st.integers(1, 12), st.integers(1, 12), cell_values), min_size=1, max_size=25
)


@dataclass(frozen=True)
class TextCell:
    """A value to write as a text cell, whatever it begins with (Excel keeps what is typed into
    a cell formatted as text as text; so do the exports)."""

    text: str


clean_texts = st.text(max_size=30).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text))
# Texts that begin like a formula or a number: text all the same.
formula_like_texts = st.builds(
    lambda first, rest: first + rest, st.sampled_from(["=", "+", "-", "@"]), clean_texts
)
status_cells = st.lists(
    st.tuples(
        st.integers(1, 12),
        st.integers(1, 12),
        st.one_of(cell_values, formula_like_texts.map(TextCell)),
    ),
    min_size=1,
    max_size=25,
)
# The status workbook's text columns: Status, Økonomi and Status (økonomi), by field.
TEXT_COLUMNS = {8: "text", 9: "economy_text", 11: "economy_status_text"}


def put(cell, value) -> None:
    if isinstance(value, TextCell):
        cell.value = value.text
        cell.data_type = "s"
    else:
        cell.value = value


def assert_answers(plan: ImportPlan) -> None:
    assert isinstance(plan, ImportPlan)
    assert all(problem.message for problem in plan.problems)
    for row in plan.rows if plan.kind == "appropriations" else []:
        assert Decimal(row["amount"]).is_finite()


@pytest.fixture
def template_bytes(agreement, appropriations, finance_user) -> bytes:
    return exports.appropriation_template(agreement=agreement, user=finance_user)


@pytest.fixture
def status_bytes(open_round, finance_user) -> bytes:
    return exports.status_workbook(round=open_round, user=finance_user)


@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes_are_refused_with_a_problem(agreement, open_round, finance_user, data):
    for plan in (
        plan_appropriation_upload(agreement=agreement, user=finance_user, data=data),
        plan_status_upload(round=open_round, user=finance_user, data=data),
    ):
        assert_answers(plan)
        assert plan.problems


@FUZZ
@given(data=st.data())
def test_damaged_workbooks_get_an_answer(
    agreement, open_round, finance_user, template_bytes, status_bytes, data
):
    for content, planner in (
        (
            template_bytes,
            lambda raw: plan_appropriation_upload(agreement=agreement, user=finance_user, data=raw),
        ),
        (
            status_bytes,
            lambda raw: plan_status_upload(round=open_round, user=finance_user, data=raw),
        ),
    ):
        damaged = bytearray(content)
        for position, value in data.draw(
            st.lists(st.tuples(st.integers(0, len(damaged) - 1), st.integers(0, 255)), max_size=8)
        ):
            damaged[position] = value
        cut = data.draw(st.integers(min_value=1, max_value=len(damaged)))
        assert_answers(planner(bytes(damaged[:cut])))


@FUZZ
@given(data=st.data())
def test_damaged_zip_members_get_an_answer(agreement, finance_user, template_bytes, data):
    source = zipfile.ZipFile(io.BytesIO(template_bytes))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = bytearray(source.read(member))
            if content and data.draw(st.booleans()):
                position = data.draw(st.integers(0, len(content) - 1))
                content[position : position + 8] = data.draw(st.binary(min_size=1, max_size=8))
            archive.writestr(member.filename, bytes(content))
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=buffer.getvalue())
    assert_answers(plan)


@FUZZ
@given(changes=cells)
def test_random_cells_in_the_appropriation_template_get_an_answer(
    agreement, finance_user, template_bytes, changes
):
    book = open_workbook(template_bytes)
    for row, column, value in changes:
        book["DRIFT"].cell(row=row, column=column).value = value
    assert_answers(
        plan_appropriation_upload(agreement=agreement, user=finance_user, data=to_bytes(book))
    )


@FUZZ
@given(changes=status_cells)
def test_random_cells_in_the_status_workbook_get_an_answer(
    open_round, finance_user, status_bytes, changes
):
    book = open_workbook(status_bytes)
    for row, column, value in changes:
        put(book["Status"].cell(row=row, column=column), value)
    assert_answers(plan_status_upload(round=open_round, user=finance_user, data=to_bytes(book)))


@FUZZ
@given(
    texts=st.lists(
        st.tuples(st.integers(4, 7), st.sampled_from(sorted(TEXT_COLUMNS)), formula_like_texts),
        min_size=1,
        max_size=8,
    )
)
def test_text_cells_that_begin_like_a_formula_are_read_as_text(
    open_round, finance_user, status_bytes, texts
):
    book = open_workbook(status_bytes)
    wanted = {}
    for row, column, text in texts:
        put(book["Status"].cell(row=row, column=column), TextCell(text))
        wanted[(row, TEXT_COLUMNS[column])] = normalize_text(text)
    plan = plan_status_upload(round=open_round, user=finance_user, data=to_bytes(book))
    assert plan.problems == []
    planned = {
        (change["row"], name): edit["new"]
        for change in plan.changes
        for name, edit in change["edits"].items()
    }
    # The round's texts are blank: every cell given a text is a change to exactly that text.
    assert planned == {key: text for key, text in wanted.items() if text}


@FUZZ
@given(row=st.integers(4, 7), column=st.sampled_from(sorted(TEXT_COLUMNS)), text=clean_texts)
def test_formula_cells_are_refused_whatever_they_hold(
    open_round, finance_user, status_bytes, row, column, text
):
    book = open_workbook(status_bytes)
    cell = book["Status"].cell(row=row, column=column)
    cell.value = "=" + text
    cell.data_type = "f"
    plan = plan_status_upload(round=open_round, user=finance_user, data=to_bytes(book))
    assert [(p.row, p.column) for p in plan.problems] == [(row, cell.column_letter)]
    assert "formel" in plan.problems[0].message
    assert plan.changes == []


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=512), name=st.sampled_from(["a.xlsx", "b.XLSX", "c.xls", "d"]))
def test_upload_of_random_bytes_never_makes_a_server_error(
    client_for, finance_user, open_round, data, name
):
    response = client_for(finance_user).post(
        f"/oekonomi/opfoelgning/{open_round.pk}/status/indlaes/", {"file": upload(data, name)}
    )
    assert response.status_code == 422
    assert not ImportBatch.objects.exists()
