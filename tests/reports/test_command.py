"""``manage.py followup_report``: the report as a file, and clear Danish errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.reports.conftest import pdf_pages

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("followup_report", *args, stdout=out)
    return out.getvalue()


def test_command_writes_the_whole_municipality_report(small_round, tmp_path):
    path = tmp_path / "rapport.pdf"
    output = run("--agreement", "2031", "--round", "1", "-o", str(path))
    pages = pdf_pages(path.read_bytes())
    assert "Første opfølgning på Aftale om budget 2031 for Ballerup Kommune" in " ".join(
        pages[0].split()
    )
    assert "Skolernes madordning" in " ".join(" ".join(pages).split())
    assert f"({len(pages)} sider) til {path}" in output


def test_command_writes_a_committee_report_named_by_its_title(small_round, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("--agreement", "2031", "--round", "1", "--committee", "bsu")
    expected = tmp_path / (
        "KLADDE - Første opfølgning på Aftale om budget 2031 for Børne- og Skoleudvalget.pdf"
    )
    text = " ".join(" ".join(pdf_pages(expected.read_bytes())).split())
    assert "Skolernes madordning" in text
    assert "Udvikling af Kildedal" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agreement", "2099", "--round", "1"], "Der findes ingen budgetaftale for 2099."),
        (
            ["--agreement", "2031", "--round", "3"],
            "Aftale om budget 2031 har ingen opfølgning 3. Opfølgninger: 1.",
        ),
        (
            ["--agreement", "2031", "--round", "1", "--committee", "XYZ"],
            "Ukendt udvalg: XYZ. Udvalg: EBU, BSU.",
        ),
    ],
)
def test_command_explains_what_does_not_exist(small_round, tmp_path, args, message):
    with pytest.raises(CommandError) as error:
        run(*args, "-o", str(tmp_path / "x.pdf"))
    assert str(error.value) == message
    assert not (tmp_path / "x.pdf").exists()


def test_command_reports_a_file_it_cannot_write(small_round, tmp_path):
    with pytest.raises(CommandError, match="Kan ikke skrive"):
        run("--agreement", "2031", "--round", "1", "-o", str(tmp_path / "mangler" / "x.pdf"))
