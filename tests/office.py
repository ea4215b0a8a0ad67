"""LibreOffice for the tests: one headless instance per test process, started on first use.

Tests that lay a DOCX out with LibreOffice (to see where Word-like pagination puts things) used to start
``soffice --convert-to`` afresh, about a second each and more on a loaded machine. Here one instance is
started per process (per pytest-xdist worker) with a document of its own kept open, so that it stays up;
each conversion is a ``soffice --convert-to`` call with the same user profile, which LibreOffice hands to
the running instance (about 0.05 s) and returns when it is done.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


class Office:
    """A running headless LibreOffice whose profile lives in ``folder``."""

    def __init__(self, folder: Path) -> None:
        if SOFFICE is None:
            raise RuntimeError("LibreOffice (soffice) is not installed")
        self.folder = folder
        self.profile = f"-env:UserInstallation=file://{folder / 'profile'}"
        keep = folder / "keep-open.txt"  # the instance would quit after its first conversion without one
        keep.write_text("open\n", encoding="utf-8")
        self.process = subprocess.Popen([SOFFICE, self.profile, "--headless", "--norestore", "--nologo", str(keep)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self._count = 0

    def convert(self, sources: list[Path], export: str = "pdf", timeout: float = 300) -> list[Path]:
        """Convert ``sources`` (their folder gets the results) and return the results' paths."""
        assert SOFFICE is not None
        outdirs = {source.parent for source in sources}
        assert len(outdirs) == 1, "one folder at a time"
        extension = export.split(":")[0]
        results = [source.with_suffix("." + extension) for source in sources]
        for result in results:
            result.unlink(missing_ok=True)
        subprocess.run([SOFFICE, self.profile, "--headless", "--convert-to", export, "--outdir",
                        str(outdirs.pop()), *map(str, sources)], check=True, capture_output=True, timeout=timeout)
        # The call returns once the instance has written the files; wait for a whole file all the same.
        deadline = time.monotonic() + timeout
        while not all(_complete(result) for result in results):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"LibreOffice did not write {[r.name for r in results if not _complete(r)]}")
            time.sleep(0.05)
        self._count += len(sources)
        return results

    def pdf(self, data: bytes, name: str = "document.docx", export: str = "pdf") -> bytes:
        """``data`` (a DOCX) laid out by LibreOffice, as PDF bytes."""
        self._count += 1
        folder = self.folder / f"job{self._count}"
        folder.mkdir()
        source = folder / name
        source.write_bytes(data)
        return self.convert([source], export)[0].read_bytes()

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _complete(path: Path) -> bool:
    if not path.is_file():
        return False
    if path.suffix != ".pdf":
        return path.stat().st_size > 0
    with path.open("rb") as handle:
        handle.seek(max(path.stat().st_size - 1024, 0))
        return b"%%EOF" in handle.read()
