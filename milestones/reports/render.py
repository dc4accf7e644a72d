"""Follow-up reports as PDF: the report template rendered to HTML, then to PDF/UA-1 by WeasyPrint.

The report is a Danish municipal document whatever the reader's language, so it is rendered
in Danish. WeasyPrint reads the template's inline CSS server-side; nothing is fetched.
"""

from __future__ import annotations

import fcntl
import logging
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agreements.models import Committee
from milestones.models import ECONOMY_SMILEYS, MILESTONE_SMILEYS, FollowUpRound, Smiley
from milestones.reports.data import ReportContent
from milestones.reports.freeze import round_report_content
from milestones.reports.pdf_worker import PDF_OPTIONS as WORKER_PDF_OPTIONS
from milestones.reports.pdf_worker import html_to_pdf_in_renderer

if TYPE_CHECKING:
    from weasyprint import Document

REPORT_LANGUAGE = "da"
TEMPLATE = "reports/report.html"
# Tagged PDF for accessibility (the Danish web accessibility act); WeasyPrint adds the tags.
PDF_OPTIONS = WORKER_PDF_OPTIONS

# WeasyPrint logs each layout step of each page at INFO: noise in the application's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class RenderedReport:
    pdf: bytes
    title: str
    filename: str
    pages: int


def css_string(value: str) -> SafeString:
    """``value`` as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '\\"<>&\n' or ord(char) < 0x20 else char for char in value
    )
    return mark_safe(f'"{escaped}"')


def _watermark(text: str) -> SafeString:
    """A CSS image of ``text`` set diagonally in light grey: the draft mark behind every page."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600">'
        '<text x="300" y="300" transform="rotate(-45 300 300)" text-anchor="middle" '
        'dominant-baseline="middle" font-family="Liberation Sans, DejaVu Sans, sans-serif" '
        f'font-size="120" font-weight="bold" fill="#ececec">{escape(text)}</text></svg>'
    )
    return mark_safe(f'url("data:image/svg+xml,{quote(svg)}")')


def _definitions(smileys: list[Smiley], definitions: dict[str, str]) -> list[tuple[str, str]]:
    """The agreement's own definitions, then "not assessed", which every agreement shares."""
    rows = [(s.value, definitions.get(s.value, "")) for s in smileys if s != Smiley.NOT_ASSESSED]
    return [*rows, (Smiley.NOT_ASSESSED.value, _("Der er endnu ikke givet en status"))]


def report_html(content: ReportContent, *, draft: bool) -> str:
    """The report as an HTML document ready for WeasyPrint."""
    with translation.override(REPORT_LANGUAGE):
        date_text = _("Den %(date)s") % {"date": date_filter(content.date, "j. F Y")}
        sender = f"{content.municipality}, {content.department}"
        case_text = (
            _("Sagsid: %(case_id)s") % {"case_id": content.case_id} if content.case_id else ""
        )
        rows, total = content.summary()
        context = {
            "content": content,
            "draft": draft,
            "title": content.title,
            "author": sender,
            "summary_rows": rows,
            "summary_total": total,
            "milestone_smileys": [s.value for s in MILESTONE_SMILEYS],
            "economy_smileys": [s.value for s in ECONOMY_SMILEYS],
            "milestone_definitions": _definitions(MILESTONE_SMILEYS, content.milestone_definitions),
            "economy_definitions": _definitions(ECONOMY_SMILEYS, content.economy_definitions),
            # The running footer: strings for the CSS margin boxes (see report.html).
            "footer": {
                "left": css_string(f"{content.title}\n{sender}"),
                "right": css_string("\n".join(filter(None, [date_text, case_text]))),
                "page": css_string(_("Side")),
                "of": css_string(_("af")),
                "draft": css_string(_("KLADDE – ikke endelig rapport")),
            },
            "watermark": _watermark(_("KLADDE")),
        }
        return render_to_string(TEMPLATE, context)


def render_document(html: str) -> Document:
    """The laid-out pages of ``html``: the PDF is ``document.write_pdf(**PDF_OPTIONS)``."""
    # Imported here, not at start-up: only report downloads need WeasyPrint.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(**PDF_OPTIONS)


@contextmanager
def _one_render_at_a_time():
    """Let one PDF render run at a time on this machine, across all server processes.

    A render keeps a core busy for a second or more. At a deadline, when every center saves
    and secretaries fetch reports, several renders at once would take both cores from the
    status saves; queued renders only make the downloads wait a little.
    """
    path = Path(tempfile.gettempdir()) / "budgetopfoelgning-pdf-render.lock"
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of ``html`` and its number of pages, rendered in the low-priority renderer
    process (pdf_worker), one render at a time on the machine."""
    with _one_render_at_a_time():
        return html_to_pdf_in_renderer(html, str(settings.BASE_DIR))


def report_filename(content: ReportContent, *, draft: bool) -> str:
    name = content.title
    if draft:
        name = _("KLADDE - %(title)s") % {"title": name}
    return f"{_UNSAFE_FILENAME.sub('-', name)}.pdf"


def build_report(round: FollowUpRound, committee: Committee | None = None) -> RenderedReport:
    """The PDF report of ``round`` for ``committee``, or for the whole municipality.

    A locked round's report comes from its frozen snapshot; an open round's report is read
    from the live data and marked as a draft on every page.
    """
    content = round_report_content(round)
    if committee is not None:
        content = content.for_committee(committee)
    draft = not round.is_locked
    pdf, pages = html_to_pdf(report_html(content, draft=draft))
    with translation.override(REPORT_LANGUAGE):
        return RenderedReport(
            pdf=pdf,
            title=content.title,
            filename=report_filename(content, draft=draft),
            pages=pages,
        )
