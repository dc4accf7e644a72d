"""Excel workbooks written from the application's data.

- ``appropriation_template``: the agreement's DRIFT and ANLÆG tables to fill in and upload.
- ``appropriation_overview``: the tables per initiative with totals, and the savings catalogue.
- ``status_workbook``: a round's statuses for one committee or center, to fill in and upload.
- ``round_overview_workbook``: every committee's initiatives with the smileys of all rounds so
  far, and a summary sheet with the counts per committee.

Each returns the .xlsx file as bytes. The rows come from the selectors the pages use, limited to
the committees the user may read. Text is always written as text, so nothing from the database
can become a formula in someone's Excel.
"""

from finance.exports.appropriations import appropriation_overview, appropriation_template
from finance.exports.overview import round_overview_workbook
from finance.exports.statuses import status_workbook

__all__ = [
    "appropriation_overview",
    "appropriation_template",
    "round_overview_workbook",
    "status_workbook",
]
