"""The reports of the real Ballerup rounds carry what the municipality's own reports carry.

Generating a PDF takes seconds, so each report is generated once per module and shared by the
tests that read it.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from agreements.models import Committee
from milestones.models import FollowUpRound, point_label
from milestones.reports.freeze import round_report_content
from milestones.reports.render import PDF_OPTIONS, render_document, report_html
from tests.reports.conftest import pdf_pages, smiley_words, squash

# Every test is marked, so the test database is set up before the module's demo data loads.
pytestmark = pytest.mark.django_db

SOURCE_2016 = json.loads((Path(settings.BASE_DIR) / "fixtures/budget_2016.json").read_text())
SMILEY_WORDS = {"green": "Grøn", "yellow": "Gul", "red": "Rød", "not_assessed": "Ikke vurderet"}


@dataclass
class Report:
    pdf: bytes
    pages: list[str]
    document: object = None
    filename: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def _round(year: int, point: int) -> FollowUpRound:
    return FollowUpRound.objects.select_related("agreement").get(agreement__year=year, point=point)


@pytest.fixture(scope="module")
def report_2016(demo_data, django_db_blocker) -> Report:
    """The whole municipality's report of the third follow-up 2016, as built for download."""
    with django_db_blocker.unblock():
        html = report_html(round_report_content(_round(2016, 3)), draft=False)
    document = render_document(html)
    pdf = document.write_pdf(**PDF_OPTIONS)
    return Report(pdf=pdf, pages=pdf_pages(pdf), document=document)


@pytest.fixture(scope="module")
def report_2017(demo_data, django_db_blocker, tmp_path_factory) -> Report:
    """Økonomiudvalget's 31.12.2017 report, written by the command as the README shows."""
    path = tmp_path_factory.mktemp("reports") / "report.pdf"
    with django_db_blocker.unblock():
        call_command(
            "followup_report",
            "--agreement=2017",
            "--round=4",
            "--committee=ØKU",
            "-o",
            str(path),
            stdout=io.StringIO(),
        )
    pdf = path.read_bytes()
    return Report(pdf=pdf, pages=pdf_pages(pdf))


@pytest.fixture(scope="module")
def report_2019_ebu(demo_data, django_db_blocker) -> Report:
    """The demo secretary downloads Erhvervs- og Beskæftigelsesudvalget's open round report."""
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(get_user_model().objects.get(username="sekretaer"))
        round_ = _round(2019, 1)
        response = client.get(reverse("reports:committee", args=[round_.pk, "EBU"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return Report(
        pdf=response.content,
        pages=pdf_pages(response.content),
        filename=response["Content-Disposition"],
    )


# The whole municipality, third follow-up 2016 (source 002).


def test_2016_title_and_sender_block_are_the_municipality_s(report_2016):
    first = report_2016.pages[0]
    assert "Tredje opfølgning på Aftale om budget 2016 for Ballerup Kommune" in " ".join(
        first.split()
    )
    for line in [
        "Økonomi og Styring",
        "Dato: 15. november 2016",
        "Tlf. dir.: 2054 6419",
        "E-mail: okonomi@balk.dk",
        "Kontakt: Jonas Brix Kjelgaard",
        "Sagsid: 00.30.00-S00-4-14",
    ]:
        assert line in first, line


def test_2016_reading_guide_prints_the_2016_definitions(report_2016):
    text = " ".join(report_2016.text.split())
    assert "Læsevejledning" in text
    assert "Opfølgningen på delelementerne i den politiske aftale 2016" in text
    for definition in [
        "Grøn Alle milepæle er opfyldt",
        "Gul Nogle milepæle er opfyldt",
        "Rød Ingen milepæle er opfyldt",
        "Grøn Den forventede besparelse opnås i alle år",
        "Rød Den forventede besparelse opnås ikke i ét eller flere år",
    ]:
        assert definition in text, definition
    # The 2017 wording belongs to another agreement.
    assert "Milepæl er ikke fuldt opfyldt" not in text


def test_2016_carries_every_initiative_of_the_source(report_2016):
    text = squash(report_2016.text)
    titles = [i["title"] for c in SOURCE_2016["chapters"] for i in c["initiatives"]]
    assert len(titles) == 86
    missing = [title for title in titles if squash(title) not in text]
    assert missing == []


def test_2016_shows_each_initiative_s_smileys_as_in_the_source(report_2016):
    """Per initiative: the smileys of points 1-3 and the economy, in the source's order."""
    text = "\n".join(report_2016.pages)
    initiatives = [i for c in SOURCE_2016["chapters"] for i in c["initiatives"]]
    headings = []
    for initiative in initiatives:
        heading = initiative["title"]
        if initiative["number"]:
            heading = f"{initiative['number']}. {heading}"
        if initiative["part"]:
            heading = f"{heading} - {initiative['part']}"
        headings.append((heading, initiative))
    # Find each heading's first occurrence (a table that breaks repeats its heading row).
    flat = " ".join(text.split())
    positions = sorted((flat.index(" ".join(h.split())), h, i) for h, i in headings)
    assert len(positions) == 86
    for n, (start, heading, initiative) in enumerate(positions):
        end = positions[n + 1][0] if n + 1 < len(positions) else len(flat)
        segment = flat[start + len(heading) : end]
        segment = segment.split("Ansvarligt udvalg:", 1)[1]  # past the description
        expected = []
        for milestone in initiative["milestones"]:
            if milestone["point"] <= 3:
                status = milestone["status"] or {"smiley": "not_assessed"}
                expected.append(SMILEY_WORDS[status["smiley"]])
        expected.append(SMILEY_WORDS[initiative["economy"][0]["smiley"]])
        words = [" ".join(w.split()) for w in smiley_words(segment)]
        assert words == expected, heading


def test_2016_summary_counts_the_source_s_smileys_per_committee(report_2016):
    milestones = Counter()
    economy = Counter()
    for chapter in SOURCE_2016["chapters"]:
        for initiative in chapter["initiatives"]:
            status = next(m["status"] for m in initiative["milestones"] if m["point"] == 3)
            milestones[status["smiley"]] += 1
            economy[initiative["economy"][0]["smiley"]] += 1
    expected_total = " ".join(
        str(n)
        for n in [
            86,
            milestones["green"],
            milestones["yellow"],
            milestones["red"],
            milestones["not_assessed"],
            economy["green"],
            economy["red"],
            economy["not_assessed"],
        ]
    )
    first = report_2016.pages[0]
    assert f"I alt {expected_total}" in first
    assert "Samlet status ved 3. budgetopfølgning 2016" in first
    for name in [
        "Økonomiudvalget",
        "Børne- og Skoleudvalget",
        "Social- og Sundhedsudvalget",
        "Teknik- og Miljøudvalget",
    ]:
        assert name in first


def test_2016_year_end_milestones_show_no_smiley_yet(report_2016):
    flat = " ".join(report_2016.text.split())
    milestone = "Dagtilbuddene arbejder indenfor den nye ramme for kvalitet i dagtilbud."
    after = flat[flat.index(milestone) + len(milestone) :]
    assert after.lstrip().startswith("31.12.2016 Økonomi")


def test_2016_every_page_has_the_running_footer(report_2016):
    pages = report_2016.pages
    assert 30 <= len(pages) <= 80
    for number, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert f"Side {number} af {len(pages)}" in flat
        assert "Ballerup Kommune, Økonomi og Styring" in flat
        assert "Tredje opfølgning på Aftale om budget 2016 for Ballerup Kommune" in flat
        assert "Den 15. november 2016" in flat
        assert "Sagsid: 00.30.00-S00-4-14" in flat


def test_2016_locked_round_report_is_not_a_draft(report_2016):
    assert not any("KLADDE" in page for page in report_2016.pages)


def test_2016_initiative_tables_never_leave_their_heading_alone(report_2016):
    """On every page, each initiative table (or its continuation) has its heading row and at
    least one row of content; continued tables repeat the heading row."""
    fragments = 0
    for page in report_2016.document.pages:
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.TableBox) or "initiative" not in (
                box.element.get("class") or ""
            ):
                continue
            fragments += 1
            groups = box.children
            assert groups and groups[0].is_header
            body_rows = [row for group in groups[1:] for row in group.children]
            assert body_rows, box.element
    assert fragments > 86  # some tables continue on the next page, heading repeated


def test_2016_pdf_is_tagged_pdf_ua_with_title_author_and_language(report_2016):
    reader = PdfReader(io.BytesIO(report_2016.pdf))
    assert reader.metadata.title == (
        "Tredje opfølgning på Aftale om budget 2016 for Ballerup Kommune"
    )
    assert reader.metadata.author == "Ballerup Kommune, Økonomi og Styring"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def _struct_elements(node):
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            yield from _struct_elements(child)
    elif hasattr(node, "get") and node.get("/Type") == "/StructElem":
        yield node
        yield from _struct_elements(node.get("/K", []))


def test_2016_smiley_pictograms_are_figures_with_their_level_as_alternative_text(report_2016):
    root = PdfReader(io.BytesIO(report_2016.pdf)).trailer["/Root"]
    elements = list(_struct_elements(root["/StructTreeRoot"]["/K"]))
    figures = [e for e in elements if e["/S"] == "/Figure"]
    # The summary's and the reading guide's pictograms, and 86 initiatives x (3 assessed
    # points + the economy).
    assert len(figures) > 86 * 4
    assert {str(f["/Alt"]) for f in figures} == {"Grøn", "Gul", "Rød", "Ikke vurderet"}
    assert {e["/S"] for e in elements} >= {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"}


# Økonomiudvalget, 31.12.2017 (source 001), written by the management command.


def test_2017_title_is_the_last_follow_up_for_the_committee(report_2017):
    first = " ".join(report_2017.pages[0].split())
    assert "Fjerde og sidste opfølgning på Aftale om budget 2017 for Økonomiudvalget" in first
    assert "Dato: 23. marts 2018" in first
    assert "Sagsid: 00.30.00-S00-6-16" in first


def test_2017_reading_guide_prints_the_2017_definitions(report_2017):
    text = " ".join(report_2017.text.split())
    for definition in [
        "Grøn Milepæl er opfyldt",
        "Gul Milepæl er ikke fuldt opfyldt, men det er fortsat realistisk, at det samlede mål "
        "for året opnås",
        "Rød Milepæl er ikke opfyldt, og det er ikke realistisk at opfylde milepæl inden for "
        "perioden under givende forudsætninger",
        "Grøn Budget er overholdt/Besparelse er opnået",
        "Rød Budget ikke overholdt/Den forventede besparelse opnås ikke i indeværende periode",
    ]:
        assert definition in text, definition


def test_2017_initiative_shows_milestones_status_texts_and_smileys(report_2017):
    flat = " ".join(report_2017.text.split())
    start = flat.index("5.03. Udvikling af nyt erhvervsområde i Kildedal i Måløv")
    table = flat[start : flat.index("5.04. Dialog med erhvervslivet")]
    for text in [
        "Kort beskrivelse af indsatsen (drift) Tid Smiley",
        "Arealerne omkring Kildedal Station skal udvikles til et nyt stort erhvervsområde.",
        "Ansvarligt center: By, Erhverv og Miljø",
        "Ansvarligt udvalg: Økonomiudvalget",
        "Væsentlig bidragsyder: Politisk Sekretariat",
        "Der gennemføres forhandlinger med Vejdirektoratet og Energinet.dk",
        "Milepæl Afklaring med staten pågår. 1. budgetopfølgning 2017 Grøn",
        "Milepæl Under de givne forudsætninger er forslag til lokalplan behandlet. "
        "2. budgetopfølgning 2017 Gul",
        "Milepæl Under de givne forudsætninger er endelig vedtagelse af lokalplan på vej. "
        "Status: Afklaring med staten pågår stadig og er en forudsætning for "
        "lokalplanlægning. 3. budgetopfølgning 2017 Gul",
        "31.12.2017 Gul",
        "Økonomi Der er ikke særskilt økonomisk effekt. Ikke vurderet",
    ]:
        assert text in table, text


def test_2017_reads_in_order_chapter_by_chapter(report_2017):
    flat = " ".join(report_2017.text.split())
    order = [
        "Fjerde og sidste opfølgning",
        "Samlet status ved 31.12.2017",
        "Læsevejledning",
        "5. Erhverv og Beskæftigelse",
        "5.03. Udvikling af nyt erhvervsområde",
        "5.04. Dialog med erhvervslivet",
        "6. Befolkning og Boliger",
        "7. Borgeren og Kommunen",
        "8. Ballerup Kommune som virksomhed",
        "UCC - hjemfaldspligt",
    ]
    # Each part is found after the one before it (the summary names the chapters too).
    position = 0
    for text in order:
        position = flat.index(text, position)
    first_initiative = flat.index("5.03. Udvikling af nyt erhvervsområde")
    assert flat.index("Læsevejledning") < first_initiative
    assert flat.index("UCC - hjemfaldspligt") > first_initiative


def test_2017_summary_counts_per_chapter(report_2017):
    first = " ".join(report_2017.pages[0].split())
    assert "Kapitel Indsatser" in first
    assert "5. Erhverv og Beskæftigelse 2 " in first
    assert "I alt 32 " in first


def test_2017_footer_and_page_count(report_2017):
    pages = report_2017.pages
    assert 12 <= len(pages) <= 40
    assert f"Side 1 af {len(pages)}" in pages[0]
    assert f"Side {len(pages)} af {len(pages)}" in pages[-1]
    assert all("Sagsid: 00.30.00-S00-6-16" in page for page in pages)
    assert all("Den 23. marts 2018" in page for page in pages)


# Erhvervs- og Beskæftigelsesudvalget, open first round 2019, downloaded by the secretary.


def test_secretary_downloads_the_committee_report_with_a_danish_file_name(report_2019_ebu):
    assert report_2019_ebu.filename.startswith("attachment; filename*=utf-8''")
    assert (
        "KLADDE%20-%20F%C3%B8rste%20opf%C3%B8lgning%20p%C3%A5%20Aftale%20om%20budget%202019"
        "%20for%20Erhvervs-%20og%20Besk%C3%A6ftigelsesudvalget.pdf"
    ) in report_2019_ebu.filename


def test_open_round_report_is_marked_as_draft_on_every_page(report_2019_ebu):
    assert report_2019_ebu.pages
    for page in report_2019_ebu.pages:
        assert "KLADDE – ikke endelig rapport" in page


def test_committee_report_holds_only_the_committee_s_initiatives(
    report_2019_ebu, django_db_blocker
):
    flat = " ".join(report_2019_ebu.text.split())
    assert "Første opfølgning på Aftale om budget 2019 for Erhvervs- og Beskæftigelsesudvalget" in (
        flat
    )
    with django_db_blocker.unblock():
        committee = Committee.objects.get(code="EBU")
        own = list(committee.initiatives.filter(chapter__agreement__year=2019))
        other = list(
            Committee.objects.get(code="SSU").initiatives.filter(chapter__agreement__year=2019)
        )
    assert own and other
    assert all(squash(i.title) in squash(flat) for i in own)
    assert not any(f"{i.number}. {i.title}" in flat for i in other)


def test_open_round_report_assesses_only_its_own_point(report_2019_ebu):
    flat = " ".join(report_2019_ebu.text.split())
    for point in (2, 3, 4):
        label = point_label(point, 2019)
        assert label in flat
        after = flat[flat.index(label) + len(label) :].lstrip()
        assert not after.startswith(("Grøn", "Gul", "Rød", "Ikke vurderet"))
    assert "1. budgetopfølgning 2019 Ikke vurderet" in flat
