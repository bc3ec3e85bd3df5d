"""The floors: what the same work costs with nothing of ours around it."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate


def docxtpl_fill(template: bytes, context: dict[str, Any], env: jinja2.Environment) -> bytes:
    """docxtpl filling the template, as its documentation shows."""
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context, env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


class BareUno:
    """A warm LibreOffice driven directly over a UNO socket: load, export, close."""

    def __init__(self, port: int = 2302) -> None:
        import uno  # noqa: PLC0415 — LibreOffice's bridge, only when the benchmark runs

        self.uno = uno
        self.dir = Path(tempfile.mkdtemp(prefix="bench-uno-"))
        self.proc = subprocess.Popen(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"-env:UserInstallation={(self.dir / 'profile').as_uri()}",
                f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        for _ in range(600):
            try:
                ctx = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
                )
                break
            except Exception:
                time.sleep(0.05)
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx
        )

    def _prop(self, name: str, value: Any) -> Any:
        prop = self.uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name, prop.Value = name, value
        return prop

    def convert(self, docx: bytes, pdf_version: int) -> bytes:
        source, target = self.dir / "in.docx", self.dir / "out.pdf"
        source.write_bytes(docx)
        doc = self.desktop.loadComponentFromURL(
            source.as_uri(), "_blank", 0, (self._prop("Hidden", True),)
        )
        filter_data = self.uno.Any(
            "[]com.sun.star.beans.PropertyValue",
            (self._prop("SelectPdfVersion", pdf_version), self._prop("UseTaggedPDF", True)),
        )
        doc.storeToURL(
            target.as_uri(),
            (self._prop("FilterName", "writer_pdf_Export"), self._prop("FilterData", filter_data)),
        )
        doc.close(True)
        return target.read_bytes()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # terminate drops the connection by design
            self.desktop.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
        shutil.rmtree(self.dir, ignore_errors=True)


class ColdSoffice:
    """`soffice --convert-to pdf`, one process per document, on a profile completed once."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-cold-"))
        self.profile = (self.dir / "profile").as_uri()
        self.convert(None)  # completes the profile: later starts skip first-start work

    def convert(self, docx: bytes | None) -> bytes:
        source = self.dir / "in.docx"
        if docx is None:
            from docx import Document  # noqa: PLC0415

            Document().save(source)
        else:
            source.write_bytes(docx)
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--norestore",
                f"-env:UserInstallation={self.profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(self.dir),
                str(source),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return (self.dir / "in.pdf").read_bytes()

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
