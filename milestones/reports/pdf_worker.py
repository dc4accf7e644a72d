"""The PDF renderer process: WeasyPrint in a child process with a lower CPU priority.

A render keeps a core busy for a second or more, in pure Python. Inside a web worker it
would also hold that worker's GIL, so the status saves served by the worker's other threads
would wait for it. In a child process at a lower priority (nice) the operating system gives
the cores to the web requests first, and the render takes what is left.

Only the standard library and WeasyPrint are imported here: the child is started with
``spawn`` and never sets up Django.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
NICENESS = 10

_pool: ProcessPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _start_renderer() -> None:
    os.nice(NICENESS)
    import logging

    import weasyprint  # noqa: F401  - loaded once per renderer, not per report

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def render_pdf(html: str, base_url: str) -> tuple[bytes, int]:
    """Runs in the renderer: the PDF of ``html`` and its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def _renderer() -> ProcessPoolExecutor:
    global _pool, _pool_pid
    with _pool_lock:
        # A forked server worker must not share its parent's renderer.
        if _pool is None or _pool_pid != os.getpid():
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_renderer,
            )
            _pool_pid = os.getpid()
        return _pool


def _discard_renderer() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def html_to_pdf_in_renderer(html: str, base_url: str) -> tuple[bytes, int]:
    """The PDF of ``html`` rendered in the renderer process; a crashed renderer is replaced
    on the next call and this call raises."""
    try:
        return _renderer().submit(render_pdf, html, base_url).result()
    except BrokenProcessPool:
        _discard_renderer()
        raise
