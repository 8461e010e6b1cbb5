"""Reports made into PDF the two ways publishers make them: a web page printed by headless
Chromium ("Save as PDF"), or a Word file exported by LibreOffice (as from a word processor).

Used by the PDF evaluations: a report becomes a real PDF with a text layer, ruled tables, and
tables broken across pages where the page ends. ``PdfPrinter`` needs the ``chromium`` binary
(``scripts/install-test-deps.sh`` installs it) and playwright; ``office_pdf`` needs LibreOffice
(``soffice``; Debian ``libreoffice-writer-nogui``), which the tests do not need.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
PAPERS = ("A4", "Letter", "A5")


class PrinterMissing(RuntimeError):
    """The program that makes the PDF is not installed."""


class PdfPrinter:
    """One browser for many pages: ``printer.print(html_bytes, paper=…, scale=…)`` → PDF bytes."""

    def __enter__(self) -> PdfPrinter:
        executable = shutil.which("chromium")
        if executable is None:
            raise PrinterMissing("chromium is not installed (scripts/install-test-deps.sh installs it)")
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


def office_pdf(word_file: bytes) -> bytes:
    """A Word file exported to PDF by LibreOffice, as a word processor's "Save as PDF" makes it."""
    office = shutil.which("soffice")
    if office is None:
        raise PrinterMissing("LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="ogikg-office-") as scratch:
        source = Path(scratch) / "report.docx"
        source.write_bytes(word_file)
        profile = Path(scratch) / "profile"
        command = [office, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        command += ["--convert-to", "pdf", "--outdir", scratch, str(source)]
        subprocess.run(command, capture_output=True, timeout=300, check=True)
        return (Path(scratch) / "report.pdf").read_bytes()
