"""Reading uploaded workbooks into a plan of changes. Nothing here writes to the database.

An upload passes three gates before a single cell is read: the size cap, the file type (a zip
archive whose content types declare an .xlsx workbook, no macros, no legacy .xls) and the zip
bomb check (the members' declared sizes; Python's zipfile never inflates a member beyond its
declared size). openpyxl then reads it in read-only mode with formulas left unevaluated, and
defusedxml guards its XML parsing. A formula is never evaluated: a cell holding one (by the
cell's type, not by its first character) is refused.

The result is an ``ImportPlan``: the rows read from the file (kept so that the confirmation can
validate them again against the database as it is then), the changes and conflicts shown in the
preview, and every problem found, by sheet, row and column, in Danish. A plan with problems is
never applied.
"""

from finance.excel import MAX_UPLOAD_BYTES
from finance.imports.appropriations import (
    AppropriationContext,
    appropriation_base_digest,
    plan_appropriation_rows,
    plan_appropriation_upload,
    replan_appropriations,
)
from finance.imports.statuses import plan_status_rows, plan_status_upload, replan_statuses
from finance.imports.workbook import (
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    ImportPlan,
    ImportProblem,
    WorkbookRefused,
    cell_amount,
    cell_text,
    damaged_message,
    open_workbook,
    refuse_file_name,
    too_big_message,
)

__all__ = [
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_UPLOAD_BYTES",
    "AppropriationContext",
    "ImportPlan",
    "ImportProblem",
    "WorkbookRefused",
    "appropriation_base_digest",
    "cell_amount",
    "cell_text",
    "damaged_message",
    "open_workbook",
    "plan_appropriation_rows",
    "plan_appropriation_upload",
    "plan_status_rows",
    "plan_status_upload",
    "refuse_file_name",
    "replan_appropriations",
    "replan_statuses",
    "too_big_message",
]
