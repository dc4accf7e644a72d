"""The gate every upload passes, and the reading of cells, sheets and problems.

An upload passes three checks before a single cell is read: the size cap, the file type (a zip
archive whose content types declare an .xlsx workbook: no macros, no legacy .xls) and the zip
bomb check (the members' declared sizes; Python's zipfile never inflates a member beyond its
declared size). openpyxl then reads it in read-only mode with formulas left unevaluated, and
defusedxml guards its XML parsing. A formula is never evaluated: a cell holding one is refused.
Whether a cell holds a formula is a matter of the cell's type, not of its text: a status text
that begins with "=" is text, written as text by the exports, and is read back as text.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from finance.excel import MAX_UPLOAD_BYTES, megabytes

logger = logging.getLogger(__name__)

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 40
HEADER_SEARCH_ROWS = 10
# Problems beyond this many are counted, not listed: a wholly wrong file must not flood the page.
MAX_PROBLEMS = 200

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and password-protected files
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

AMOUNT_MAX = Decimal("99999999999.9")  # Appropriation.amount: 12 digits, one decimal
DANISH_NUMBER_RE = re.compile(r"^[-−]?\d{1,3}(\.\d{3})+(,\d+)?$|^[-−]?\d+(,\d+)?$")
PLAIN_NUMBER_RE = re.compile(r"^-?\d+\.\d+$")
# How a workbook's XML carries a character XML cannot (or would not keep): Excel writes a
# carriage return as _x000D_ (ST_Xstring). Only control characters are decoded: they are what
# Excel escapes, and a text with a literal "_x0041_" stays as written.
XML_CONTROL_ESCAPE_RE = re.compile("_x00([01][0-9A-Fa-f])_")


# Problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an upload, where it is: sheet, row and column (letter)."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""


class WorkbookRefused(Exception):
    """The upload is not a workbook this application will read."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class CellError(Exception):
    """A cell's value cannot be used; the message says why."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# The plan ----------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What an upload would do, and what is wrong with it. Stored as JSON in an ImportBatch."""

    kind: str
    problems: list[ImportProblem] = field(default_factory=list)
    problems_omitted: int = 0
    rows: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0
    base_digest: str = ""
    totals: dict = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def add_problem(self, problem: ImportProblem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_omitted += 1

    def to_json(self) -> dict:
        data = asdict(self)
        data["problems"] = [asdict(problem) for problem in self.problems]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ImportPlan:
        data = dict(data)
        data["problems"] = [ImportProblem(**problem) for problem in data.get("problems", [])]
        return cls(**data)

    @classmethod
    def refused(cls, kind: str, message: str) -> ImportPlan:
        return cls(kind=kind, problems=[ImportProblem(message)])


# Gate: is this an .xlsx workbook at all? ---------------------------------------------------


def refuse_file_name(name: str) -> str | None:
    """Why a file of this name is refused, or None."""
    if not (name or "").lower().endswith(".xlsx"):
        return _(
            "Filen er ikke en Excel-projektmappe (.xlsx). Gem den i Excel som "
            "»Excel-projektmappe (*.xlsx)«, og prøv igen."
        )
    return None


def too_big_message(size: int | None = None) -> str:
    if size is None:
        return _("Filen er for stor. Den må højst fylde %(max)s MB.") % {
            "max": megabytes(MAX_UPLOAD_BYTES)
        }
    return _("Filen er for stor (%(size)s MB). Den må højst fylde %(max)s MB.") % {
        "size": megabytes(size),
        "max": megabytes(MAX_UPLOAD_BYTES),
    }


def damaged_message() -> str:
    return _(
        "Filen kan ikke læses som en Excel-projektmappe. Den er måske beskadiget. Åbn den i "
        "Excel, gem den igen som .xlsx, og prøv igen."
    )


def _check_archive(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookRefused(too_big_message(len(data)))
    if data.startswith(OLE_MAGIC):
        raise WorkbookRefused(
            _(
                "Filen er i det gamle Excel-format (.xls) eller beskyttet med adgangskode. Gem "
                "den som »Excel-projektmappe (*.xlsx)« uden adgangskode, og prøv igen."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRefused(refuse_file_name(""))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise WorkbookRefused(damaged_message()) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise WorkbookRefused(damaged_message())
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(
            _(
                "Filen fylder %(size)s MB, når den pakkes ud; højst %(max)s MB er tilladt. Den "
                "er måske beskadiget eller lavet for at overbelaste systemet (zip-bombe)."
            )
            % {"size": megabytes(unpacked), "max": megabytes(MAX_UNCOMPRESSED_BYTES)}
        )
    for member in members:
        if member.flag_bits & 0x1 or member.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise WorkbookRefused(damaged_message())
    _check_content_types(archive)


def _check_content_types(archive: zipfile.ZipFile) -> None:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError as exc:
        raise WorkbookRefused(refuse_file_name("")) from exc
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        raise WorkbookRefused(damaged_message())
    try:
        root = SafeElementTree.fromstring(archive.read(info))
    except Exception as exc:  # defusedxml and expat raise several kinds; all mean "damaged"
        raise WorkbookRefused(damaged_message()) from exc
    types = {
        element.get("ContentType", "")
        for element in root.iter(f"{CONTENT_TYPES_NS}Override")
        if element.get("PartName", "").lower().startswith("/xl/")
    }
    if "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types:
        raise WorkbookRefused(
            _(
                "Filen indeholder makroer (.xlsm) og læses ikke. Gem den som "
                "»Excel-projektmappe (*.xlsx)«, og prøv igen."
            )
        )
    if XLSX_MAIN not in types:
        raise WorkbookRefused(refuse_file_name(""))


@contextmanager
def openpyxl_quiet() -> Iterator[None]:
    """openpyxl warns about what it skips (extensions, impossible dates); the importer reports
    what matters itself, so the warnings are not passed on to the log."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        yield


def open_workbook(data: bytes):
    """The workbook in ``data``, opened read-only, formulas not evaluated (see ``sheet_rows``).

    Raises WorkbookRefused with a Danish message for anything that is not a sound .xlsx file.
    """
    _check_archive(data)
    try:
        with openpyxl_quiet():
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception as exc:  # a damaged file fails in many ways inside openpyxl
        logger.info("event=workbook_unreadable error=%s", type(exc).__name__)
        raise WorkbookRefused(damaged_message()) from exc


# Reading cells -----------------------------------------------------------------------------


CELL_TYPES = (str, int, float, Decimal, bool, datetime, date, time, timedelta)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Formula:
    """The value of a formula cell (openpyxl's type "f"), as ``sheet_rows`` gives it: never
    text, so no reader can take it for a value, and ``refuse_formula`` refuses it. ``text`` is
    the formula ("=SUM(A1:A3)"), empty for the kinds openpyxl gives as objects."""

    text: str = ""


def formula_or_value(cell) -> Any:
    """A read-only cell's value, a formula wrapped in Formula. The type decides, not the
    first character: a text cell holding "=1+1" is text."""
    value = cell.value
    if cell.data_type != "f":
        return value
    # Array formulas come as ArrayFormula (with .text), data tables as DataTableFormula.
    text = value if isinstance(value, str) else getattr(value, "text", None)
    return Formula(text if isinstance(text, str) else "")


def refuse_formula(value: Any) -> None:
    if isinstance(value, Formula):
        if value.text:
            raise CellError(
                _(
                    "Cellen indeholder en formel (%(formula)s). Formler læses ikke; skriv selve "
                    "værdien i cellen."
                )
                % {"formula": value.text[:40]}
            )
        raise CellError(_("Cellen indeholder en formel. Formler læses ikke; skriv selve værdien."))
    if not isinstance(value, CELL_TYPES):
        raise CellError(_("Cellen kan ikke læses. Skriv selve værdien i cellen."))


def decode_control_escapes(text: str) -> str:
    """``text`` with the control characters Excel writes escaped (``_x000D_``) decoded. For free
    text only: openpyxl leaves the escapes in (and an escaped underscore, ``_x005F_``, it
    removes from shared strings itself, so a literal "_x000D_" typed in Excel is decoded too)."""
    if "_x00" not in text:
        return text
    return XML_CONTROL_ESCAPE_RE.sub(lambda match: chr(int(match.group(1), 16)), text)


def cell_text(value: Any) -> str:
    """The text of a cell: numbers as written, dates refused."""
    if value is None:
        return ""
    refuse_formula(value)
    if isinstance(value, bool):
        raise CellError(_("Cellen skal indeholde tekst, ikke en sandhedsværdi."))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            raise CellError(_("Cellen skal indeholde tekst."))
        return (
            str(number.to_integral_value()) if number == number.to_integral_value() else str(number)
        )
    if isinstance(value, datetime | date | time | timedelta):
        raise CellError(
            _("Cellen er læst som en dato eller et klokkeslæt. Formatér cellen som tekst.")
        )
    return value


def cell_amount(value: Any) -> Decimal | None:
    """An amount in 1.000 kr.: a number, or text in Danish format ("1.500", "-0,5")."""
    if is_blank(value):
        return None
    refuse_formula(value)
    not_a_number = _(
        "»%(value)s« er ikke et tal. Skriv beløbet i 1.000 kr. som et tal, f.eks. 1500 eller -100."
    )
    if isinstance(value, bool) or isinstance(value, datetime | date | time | timedelta):
        raise CellError(not_a_number % {"value": str(value)[:40]})
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise CellError(not_a_number % {"value": str(value)[:40]}) from exc
    else:
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if DANISH_NUMBER_RE.match(text):
            number = Decimal(text.replace("−", "-").replace(".", "").replace(",", "."))
        elif PLAIN_NUMBER_RE.match(text):
            # "12.5" cannot be Danish thousands; "1.500" was read the Danish way above.
            number = Decimal(text)
        else:
            raise CellError(not_a_number % {"value": value.strip()[:40]})
    if not number.is_finite():
        raise CellError(not_a_number % {"value": str(value)[:40]})
    if abs(number) > AMOUNT_MAX:
        raise CellError(_("Beløbet %(value)s er for stort.") % {"value": str(value)[:40]})
    if number != number.quantize(Decimal("0.1")):
        raise CellError(
            _("Beløbet %(value)s har for mange decimaler; højst én er tilladt.")
            % {"value": str(value)[:40]}
        )
    return number.normalize() + 0


def header_label(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return ""


def header_year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        year = int(value)
    else:
        return None
    return year if 1900 <= year <= 2200 else None


def sheet_rows(sheet, plan: ImportPlan) -> Iterator[tuple[int, tuple]]:
    """The sheet's rows of values, numbered from 1, at most MAX_ROWS and MAX_COLUMNS wide.

    The cells are read (not only their values) to know which hold a formula: those come as
    Formula, whatever their text; every other value is as the cell holds it.
    """
    rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS)
    # openpyxl fills a gap between rows with one and the same tuple of empty cells: read once,
    # so a sparse sheet stays fast.
    previous_cells, previous_values = None, ()
    for number, cells in enumerate(rows, start=1):
        if cells is not previous_cells:
            previous_cells = cells
            previous_values = tuple(formula_or_value(cell) for cell in cells)
        values = previous_values
        if number > MAX_ROWS:
            if values.count(None) != len(values):
                plan.add_problem(
                    ImportProblem(
                        _("Arket har mere end %(max)s rækker; del filen op.")
                        % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
                        sheet=sheet.title,
                        row=number,
                    )
                )
                return
            continue
        yield number, values


def find_sheet(workbook, wanted: str):
    def key(name: str) -> str:
        return name.strip().casefold().replace("æ", "ae")

    for sheet in workbook.worksheets:
        if key(sheet.title) == key(wanted):
            return sheet
    return None


def find_header(rows: list[tuple[int, tuple]], first_label: str) -> tuple[int, tuple] | None:
    wanted = first_label.casefold()
    for number, row in rows[:HEADER_SEARCH_ROWS]:
        if any(header_label(value) == wanted for value in row):
            return number, row
    return None


def require_header(
    rows: list[tuple[int, tuple]], first_label: str, *, sheet: str, plan, hint: str = ""
) -> tuple[int, tuple] | None:
    """The header row, or None after reporting that the sheet has none."""
    header = find_header(rows, first_label)
    if header is None:
        message = _(
            "Overskriftsrækken mangler: ingen af de første %(rows)d rækker har "
            "overskriften »%(label)s«."
        ) % {"rows": HEADER_SEARCH_ROWS, "label": first_label}
        plan.add_problem(ImportProblem(f"{message} {hint}".strip(), sheet=sheet))
    return header


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)
