"""Web pages printed to PDF by headless Chromium, as a browser's "Save as PDF" makes them.

Used by the PDF evaluations: a report's HTML rendering becomes a real PDF with a text layer, ruled
tables drawn by the browser, and tables broken across pages where the page ends. Needs the
``chromium`` binary (``scripts/install-test-deps.sh`` installs it) and playwright.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import TracebackType

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
PAPERS = ("A4", "Letter", "A5")


class ChromiumMissing(RuntimeError):
    pass


class PdfPrinter:
    """One browser for many pages: ``printer.print(html_bytes, paper=…, scale=…)`` → PDF bytes."""

    def __enter__(self) -> PdfPrinter:
        executable = shutil.which("chromium")
        if executable is None:
            raise ChromiumMissing("chromium is not installed (scripts/install-test-deps.sh installs it)")
        from playwright.sync_api import sync_playwright

        self._scratch = tempfile.TemporaryDirectory(prefix="ogikg-pdf-")
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        self._page = self._browser.new_page()
        return self

    def print(self, page_html: bytes, *, paper: str = "A4", scale: float = 1.0) -> bytes:
        """The page as PDF. The HTML is opened from a file, so the browser decodes it by its own
        ``<meta charset>`` as it would a saved page."""
        source = Path(self._scratch.name) / "page.html"
        source.write_bytes(page_html)
        self._page.goto(source.as_uri())
        margin = "18mm"
        return self._page.pdf(
            format=paper,
            scale=scale,
            margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
        )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._browser.close()
        self._playwright.stop()
        self._scratch.cleanup()
