"""The shape of the Excel workbooks, shared by the writers (exports) and the readers (imports).

One place for sheet names, header labels, smiley labels and colours, number formats and the
signed row reference of the status workbooks, so a workbook written here is always one the
importer understands. The labels are a file format shared with the centers' spreadsheets, so
they are fixed Danish text and not translated with the interface.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from finance.models import SpendingKind
from milestones.models import Smiley

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The largest upload read; the workbooks' guide sheets print it.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# Appropriation workbooks: one sheet per kind of spending, as in the agreement's own tables.
KIND_SHEETS = {SpendingKind.OPERATIONS: "DRIFT", SpendingKind.CAPITAL: "ANLÆG"}
KIND_TITLES = {
    SpendingKind.OPERATIONS: "DRIFT – Driftsinvesteringer (1.000 kr.)",
    SpendingKind.CAPITAL: "ANLÆG – Anlægsinvesteringer (1.000 kr.)",
}
SAVINGS_SHEET = "Omstillingscases"
GUIDE_SHEET = "Vejledning"
HEADER_NUMBER = "Nr."
HEADER_PART = "Del"
HEADER_TITLE = "Indsats"
HEADER_TOTAL = "I alt"

# Status workbooks: one row per initiative of the round.
STATUS_SHEET = "Status"
HEADER_REFERENCE = "Reference"
HEADER_CENTER = "Ansvarligt center"
HEADER_COMMITTEE = "Ansvarligt udvalg"
HEADER_MILESTONE = "Milepæl"
HEADER_SMILEY = "Smiley"
HEADER_STATUS = "Status"
HEADER_ECONOMY = "Økonomi"
HEADER_ECONOMY_SMILEY = "Smiley (økonomi)"
HEADER_ECONOMY_STATUS = "Status (økonomi)"
STATUS_COLUMNS = [
    HEADER_REFERENCE,
    HEADER_NUMBER,
    HEADER_TITLE,
    HEADER_CENTER,
    HEADER_COMMITTEE,
    HEADER_MILESTONE,
    HEADER_SMILEY,
    HEADER_STATUS,
    HEADER_ECONOMY,
    HEADER_ECONOMY_SMILEY,
    HEADER_ECONOMY_STATUS,
]
# The columns of the milestone status; the other editable ones belong to the economy line.
STATUS_PART = {HEADER_SMILEY, HEADER_STATUS, HEADER_MILESTONE}
STATUS_EDITABLE = {
    HEADER_SMILEY,
    HEADER_STATUS,
    HEADER_ECONOMY,
    HEADER_ECONOMY_SMILEY,
    HEADER_ECONOMY_STATUS,
}

# Danish Excel shows these with "." for thousands and "," for decimals; the values stay numbers.
FORMAT_THOUSANDS = "#,##0"
FORMAT_ONE_DECIMAL = "#,##0.0"
FORMAT_TWO_DECIMALS = "#,##0.00"
FORMAT_THREE_DECIMALS = "#,##0.000"
FORMAT_TEXT = "@"

# Smiley labels as the application shows them. Colour always comes with the label.
SMILEY_LABELS = {
    Smiley.GREEN: "Grøn",
    Smiley.YELLOW: "Gul",
    Smiley.RED: "Rød",
    Smiley.NOT_ASSESSED: "Ikke vurderet",
}
# (fill, font colour): the application's smiley colours, with text colours of AA contrast.
SMILEY_COLOURS = {
    Smiley.GREEN: ("1A7F37", "FFFFFF"),
    Smiley.YELLOW: ("F2C200", "1B1B1B"),
    Smiley.RED: ("C62828", "FFFFFF"),
    Smiley.NOT_ASSESSED: ("F2F2F2", "404040"),
}

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE3E8")
TITLE_FONT = Font(bold=True, size=14)
GROUP_FONT = Font(bold=True)
GROUP_FILL = PatternFill("solid", fgColor="F3F5F7")
READ_ONLY_FILL = PatternFill("solid", fgColor="EDEFF1")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="medium"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def smiley_fill(smiley: str) -> PatternFill:
    fill, _font = SMILEY_COLOURS[Smiley(smiley)]
    return PatternFill("solid", fgColor=fill)


def smiley_font(smiley: str) -> Font:
    _fill, font = SMILEY_COLOURS[Smiley(smiley)]
    return Font(color=font, bold=True)


def smiley_label(smiley: str) -> str:
    return SMILEY_LABELS[Smiley(smiley)]


def smiley_from_label(value: str, allowed: list[Smiley]) -> Smiley | None:
    """The smiley a cell names, by its Danish label ("Grøn") or its code ("green")."""
    wanted = " ".join(value.split()).casefold()
    for smiley in allowed:
        if wanted in (SMILEY_LABELS[smiley].casefold(), smiley.value):
            return smiley
    return None


def sanitize_text(value: str) -> str:
    """Text as a cell can hold it: without the control characters XML forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value or "")


def amount_format(value: Decimal) -> str:
    """The number format that shows ``value`` with the decimals it has (at most three)."""
    exponent = value.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return [FORMAT_THOUSANDS, FORMAT_ONE_DECIMAL, FORMAT_TWO_DECIMALS, FORMAT_THREE_DECIMALS][
        min(decimals, 3)
    ]


def excel_number(value: Decimal) -> int | float:
    """A cell value for an amount: an int when whole, so Excel shows no stray decimals."""
    return int(value) if value == value.to_integral_value() else float(value)


def megabytes(size: int) -> str:
    """A size in MB the Danish way: 5,0."""
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


SIZE_NOTE = f"Filen skal gemmes som .xlsx og må højst fylde {megabytes(MAX_UPLOAD_BYTES)} MB."


def values_digest(*values: str) -> str:
    """A short fingerprint of several values (an appropriation table as planned)."""
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


# The editable columns of a status workbook and the row fields they hold.
STATUS_FIELDS = {
    HEADER_SMILEY: "smiley",
    HEADER_STATUS: "text",
    HEADER_ECONOMY: "economy_text",
    HEADER_ECONOMY_SMILEY: "economy_smiley",
    HEADER_ECONOMY_STATUS: "economy_status_text",
}

_REFERENCE_SALT = "finance.status-workbook"
_REFERENCE_FORMAT = 2
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class OutdatedReference(ValueError):
    """A reference written by an earlier version of the application."""


@dataclass(frozen=True)
class RowReference:
    """The hidden reference of a status workbook row, signed so it cannot be forged.

    It ties the row to its initiative and round, and holds for each field the fingerprint of
    the value the workbook was downloaded with (``agreements.text.text_digest``), so an import
    knows which cells the user changed and which field someone else changed meanwhile: the
    same field-by-field rule as a save in the browser. A field of a part the row does not have
    (no milestone or no economy line at the round) has no fingerprint.
    """

    round_id: int
    initiative_id: int
    digests: dict[str, str]

    def sign(self) -> str:
        return signing.dumps(
            {
                "v": _REFERENCE_FORMAT,
                "r": self.round_id,
                "i": self.initiative_id,
                "d": self.digests,
            },
            salt=_REFERENCE_SALT,
            compress=True,
        )

    @classmethod
    def load(cls, token: str) -> RowReference:
        """The reference in ``token``; ValueError when it is not one this application signed,
        OutdatedReference when an earlier version signed it."""
        try:
            data = signing.loads(token, salt=_REFERENCE_SALT)
        except signing.BadSignature as exc:
            raise ValueError("bad signature") from exc
        if isinstance(data, list):
            raise OutdatedReference("format 1")
        try:
            if data["v"] != _REFERENCE_FORMAT:
                raise OutdatedReference(f"format {data['v']}")
            digests = {str(name): str(digest) for name, digest in dict(data["d"]).items()}
            return cls(int(data["r"]), int(data["i"]), digests)
        except (TypeError, ValueError, KeyError) as exc:
            if isinstance(exc, OutdatedReference):
                raise
            raise ValueError("malformed reference") from exc


def sheet_title(name: str) -> str:
    """A valid sheet name (at most 31 characters, none of []:*?/\\)."""
    return SHEET_NAME_FORBIDDEN.sub("-", name)[:31] or "Ark"
