"""PDFs are rendered in a separate, lower-priority process that recovers from a crash."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from milestones.reports import pdf_worker

HTML = "<html lang='da'><head><title>Prøve</title></head><body><h1>Prøve</h1></body></html>"


def test_renders_in_another_process_with_lower_priority():
    renderer = pdf_worker._renderer()
    assert renderer.submit(os.getpid).result() != os.getpid()
    assert renderer.submit(os.nice, 0).result() >= os.nice(0) + pdf_worker.NICENESS


def test_renders_a_pdf():
    pdf, pages = pdf_worker.html_to_pdf_in_renderer(HTML, "/")
    assert pdf.startswith(b"%PDF-")
    assert pages == 1


def test_a_crashed_renderer_is_replaced():
    with pytest.raises(BrokenProcessPool):
        pdf_worker._renderer().submit(os._exit, 1).result()
    # The call that finds the renderer broken fails (the user gets an error page) ...
    with pytest.raises(BrokenProcessPool):
        pdf_worker.html_to_pdf_in_renderer(HTML, "/")
    # ... and the next one gets a new renderer.
    pdf, _ = pdf_worker.html_to_pdf_in_renderer(HTML, "/")
    assert pdf.startswith(b"%PDF-")
