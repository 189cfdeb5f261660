"""LibreOffice for the tests that check a DOCX opens in it (issue 6: forms; issue 4: process documents).

`make system-deps` installs it (Debian's libreoffice-writer-nogui); without it those tests are skipped.
"""

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(
    OFFICE is None, reason="LibreOffice is not installed (make system-deps installs it)"
)


def flat(text: str) -> str:
    """NFC, single spaces: wrapped lines of a table cell read as one."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def docx_to_pdf(sources: list[Path], work: Path) -> Path:
    """Convert the DOCX files with headless LibreOffice in one run; returns the folder of the PDFs.

    A fresh profile per call: a shared one locks and breaks parallel runs."""
    out = work / "pdf"
    subprocess.run(  # noqa: S603 - fixed arguments, the test's own files
        [
            OFFICE,
            f"-env:UserInstallation=file://{work / 'office-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(path) for path in sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out
