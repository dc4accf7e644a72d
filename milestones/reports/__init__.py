"""Follow-up reports (opfølgningsrapporter) as PDF.

- ``data``: the report's content as plain dataclasses, read in a constant number of queries;
- ``freeze``: the snapshot a locked round's report is rendered from;
- ``render``: the report template to HTML, and WeasyPrint to PDF/UA-1;
- ``access``: who may download which report.
"""
