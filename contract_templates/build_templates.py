"""Write the DOCX templates of both document kinds, so that they are reproducible and reviewable.

Run ``.venv/bin/python -m contract_templates.build_templates`` after any change here, and keep the
two generated files (``parcours/template.docx``, ``convention/template.docx``): they ship as
package data and ``signing.render`` fills them with docxtpl.

Rules the templates follow (docxtpl reads Word's XML, not text):
- every Jinja tag sits whole inside one run, so Word never splits it;
- ``{%p …%}`` and ``{%tr …%}`` tags sit alone in their paragraph / in the first cell of their row,
  since docxtpl removes that paragraph / row and keeps only the tag;
- data paths are those of the kind's ``fields.toml`` (and ``school.`` + ``school_fields.toml``);
  everything derived comes from ``info`` (see ``signing/render.py``). ``tests/unit/
  test_template_fields.py`` checks both directions.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent

FONT = "Liberation Sans"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MUTED = RGBColor(0x55, 0x5F, 0x6D)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LABEL_FILL = "EEF2F7"
HEADER_FILL = "DCE4EE"
BORDER = "A7B3C2"

PAGE_WIDTH = Cm(21.0)
PAGE_HEIGHT = Cm(29.7)
MARGIN = Cm(2.0)
TEXT_WIDTH = Cm(17.0)
SIGNATURE_ROW_HEIGHT = Cm(3.6)

_MARKUP = re.compile(r"(\*\*.+?\*\*|__.+?__)")
_TAG_PAIRS = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))

Run = tuple[str, bool, bool]
"""A run of text: (text, bold, italic)."""

Content = str | Sequence[str] | Callable[[_Cell], None]
"""A table cell: markup, one markup per paragraph, or a function that fills the cell."""


def _runs(markup: str) -> list[Run]:
    """``"**Nom :** {{ pupil.last_name }}"`` → bold run, plain run. ``__x__`` is italic."""
    runs: list[Run] = []
    for piece in _MARKUP.split(markup):
        if not piece:
            continue
        if piece.startswith("**"):
            runs.append((piece[2:-2], True, False))
        elif piece.startswith("__"):
            runs.append((piece[2:-2], False, True))
        else:
            runs.append((piece, False, False))
    for text, _, _ in runs:
        for opening, closing in _TAG_PAIRS:
            if text.count(opening) != text.count(closing):
                raise ValueError(f"a Jinja tag is split across runs: {markup!r}")
    return [(_typography(text), bold, italic) for text, bold, italic in runs]


_TAG = re.compile(r"({{.*?}}|{%.*?%})")
_NO_BREAK = (
    ("« ", "«\u00a0"),
    (" »", "\u00a0»"),
    (" :", "\u00a0:"),
    (" ;", "\u00a0;"),
    ("n° ", "n°\u00a0"),
)


def _typography(text: str) -> str:
    """French spacing: a no-break space inside « » and before : and ; (outside Jinja tags)."""
    pieces = _TAG.split(text)
    for index in range(0, len(pieces), 2):
        for plain, fixed in _NO_BREAK:
            pieces[index] = pieces[index].replace(plain, fixed)
    return "".join(pieces)


def _child(parent: Any, tag: str) -> Any:
    """The first child `tag` of an oxml element, created (appended) when missing."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    return element


def _set_fonts(rpr: Any) -> None:
    """Liberation Sans for every script, without the theme fonts Word's default styles use."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _borders(table: Table, *, outer: str | None = BORDER, inner: str | None = BORDER) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        color = inner if side.startswith("inside") else outer
        edge = OxmlElement(f"w:{side}")
        if color is None:
            edge.set(qn("w:val"), "nil")
        else:
            edge.set(qn("w:val"), "single")
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), color)
        borders.append(edge)
    tbl_pr.append(borders)


def _paragraph_rule(paragraph: Paragraph, side: str, color: str = BORDER, size: int = 6) -> None:
    """A line above or below a paragraph (header and footer rules, title underline)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = _child(ppr, "w:pBdr")
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "4")
    edge.set(qn("w:color"), color)
    borders.append(edge)


def _field(paragraph: Paragraph, instruction: str, shown: str, size: Pt) -> None:
    """A Word field (PAGE, NUMPAGES) that LibreOffice and Word compute when laying out."""

    def run() -> Any:
        element = paragraph.add_run()
        element.font.size = size
        element.font.color.rgb = MUTED
        return element._r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run().append(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} \\* MERGEFORMAT "
    run().append(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run().append(separate)
    placeholder = paragraph.add_run(shown)
    placeholder.font.size = size
    placeholder.font.color.rgb = MUTED
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run().append(end)


class Builder:
    """One template being written: page setup, styles, and the few shapes the documents use."""

    def __init__(self, title: str) -> None:
        self.doc: DocumentObject = Document()
        self.title = title
        self._setup_page()
        self._setup_styles()

    # -- setup -------------------------------------------------------------------------------
    def _setup_page(self) -> None:
        section = self.doc.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = MARGIN
        section.top_margin, section.bottom_margin = MARGIN, MARGIN
        section.header_distance = section.footer_distance = Cm(0.9)
        section.different_first_page_header_footer = True
        properties = self.doc.core_properties
        properties.title = self.title
        properties.author = "Cosigne"
        properties.subject = self.title
        properties.language = "fr-FR"
        properties.comments = ""
        properties.keywords = ""
        properties.last_modified_by = "Cosigne"
        properties.revision = 1
        fixed = datetime(2026, 1, 1, tzinfo=UTC)
        properties.created = properties.modified = fixed

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr_default = _child(defaults, "w:rPrDefault")
        rpr = _child(rpr_default, "w:rPr")
        _set_fonts(rpr)
        lang = _child(rpr, "w:lang")
        lang.set(qn("w:val"), "fr-FR")
        lang.set(qn("w:eastAsia"), "fr-FR")
        lang.set(qn("w:bidi"), "fr-FR")

        def style(
            name: str,
            size: float,
            *,
            bold: bool = False,
            color: RGBColor | None = None,
            before: float = 0,
            after: float = 4,
            keep_next: bool = False,
            align: WD_ALIGN_PARAGRAPH | None = None,
            base: str | None = None,
        ) -> None:
            if name in [s.name for s in styles]:
                target = styles[name]
            else:
                target = styles.add_style(name, 1)
                target.base_style = styles[base or "Normal"]
                target.quick_style = True
            target.font.size = Pt(size)
            target.font.bold = bold
            target.font.italic = False
            target.font.all_caps = False
            target.font.color.rgb = color if color is not None else RGBColor(0, 0, 0)
            _set_fonts(target.element.get_or_add_rPr())
            fmt = target.paragraph_format
            fmt.space_before, fmt.space_after = Pt(before), Pt(after)
            fmt.keep_with_next = keep_next
            fmt.line_spacing = 1.12
            if align is not None:
                fmt.alignment = align

        style("Normal", 9.5, after=4, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        style("Title", 19, bold=True, color=ACCENT, after=2, align=WD_ALIGN_PARAGRAPH.LEFT)
        style("Subtitle", 11.5, color=MUTED, after=10, align=WD_ALIGN_PARAGRAPH.LEFT)
        style(
            "Heading 1",
            12,
            bold=True,
            color=ACCENT,
            before=14,
            after=6,
            keep_next=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        style(
            "Heading 2",
            10.5,
            bold=True,
            color=ACCENT,
            before=9,
            after=3,
            keep_next=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        style(
            "Heading 3",
            9.5,
            bold=True,
            color=RGBColor(0, 0, 0),
            before=6,
            after=2,
            keep_next=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        style("List Bullet", 9.5, after=2, align=WD_ALIGN_PARAGRAPH.LEFT)
        style("Header", 8.5, color=MUTED, after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
        style("Footer", 8, color=MUTED, after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
        style("Visa", 8.5, color=MUTED, after=1, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        style("Cell", 9, after=1, align=WD_ALIGN_PARAGRAPH.LEFT)
        style("Cell Label", 9, bold=True, color=ACCENT, after=1, align=WD_ALIGN_PARAGRAPH.LEFT)
        style("Cell Head", 9, bold=True, color=ACCENT, after=1, align=WD_ALIGN_PARAGRAPH.LEFT)
        style("Anchor", 6, color=WHITE, after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
        for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
            # Word's built-in versions carry a border, a theme colour or an outline on the run.
            ppr = styles[name].element.get_or_add_pPr()
            for extra in ppr.findall(qn("w:pBdr")):
                ppr.remove(extra)
        _paragraph_rule_style(styles["Heading 1"])
        for name in ("Header", "Footer"):
            # Word's default ones sit at US Letter positions; ours are set per paragraph.
            ppr = styles[name].element.get_or_add_pPr()
            for tabs in ppr.findall(qn("w:tabs")):
                ppr.remove(tabs)

    # -- paragraphs --------------------------------------------------------------------------
    def para(
        self,
        markup: str = "",
        style: str | None = None,
        *,
        target: Any = None,
        align: WD_ALIGN_PARAGRAPH | None = None,
        keep_next: bool = False,
        size: float | None = None,
        color: RGBColor | None = None,
    ) -> Paragraph:
        """A paragraph of `markup` (``**bold**``, ``__italic__``), each piece one run."""
        container = target if target is not None else self.doc
        paragraph = container.add_paragraph(style=style)
        for text, bold, italic in _runs(markup):
            run = paragraph.add_run(text)
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if size is not None:
                run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
        if align is not None:
            paragraph.alignment = align
        if keep_next:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def tag(self, tag: str, *, target: Any = None) -> Paragraph:
        """A paragraph holding only a ``{%p …%}`` tag (docxtpl removes the paragraph)."""
        if not tag.startswith("{%p "):
            raise ValueError(f"not a paragraph tag: {tag!r}")
        return self.para(tag, target=target)

    def longtext(self, path: str, *, otherwise: str | None = None) -> None:
        """A multi-line field, one paragraph per line; `otherwise` when the field is empty."""
        if otherwise is not None:
            self.tag(f"{{%p if {path} %}}")
        self.tag(f"{{%p for line in {path}|paragraphs %}}")
        self.para("{{ line }}")
        self.tag("{%p endfor %}")
        if otherwise is not None:
            self.tag("{%p else %}")
            self.para(otherwise)
            self.tag("{%p endif %}")

    def bullet(self, markup: str, *, target: Any = None) -> Paragraph:
        return self.para(markup, "List Bullet", target=target)

    def heading(self, text: str, level: int = 1) -> Paragraph:
        return self.para(text, f"Heading {level}")

    def article(self, number: int, title: str) -> Paragraph:
        return self.heading(f"Article {number} – {title}", 2)

    # -- tables ------------------------------------------------------------------------------
    def table(
        self,
        widths: Sequence[float],
        rows: int = 0,
        *,
        outer: str | None = BORDER,
        inner: str | None = BORDER,
        target: Any = None,
    ) -> Table:
        """A fixed-layout table whose columns are `widths` cm wide (in a header when `target`)."""
        table: Table
        if target is None:
            table = self.doc.add_table(rows=rows, cols=len(widths))
        else:
            table = target.add_table(rows=rows, cols=len(widths), width=Cm(sum(widths)))
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        _child(table._tbl.tblPr, "w:tblLayout").set(qn("w:type"), "fixed")
        margins = _child(table._tbl.tblPr, "w:tblCellMar")
        for side, value in (("top", 45), ("bottom", 45), ("left", 100), ("right", 100)):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), str(value))
            edge.set(qn("w:type"), "dxa")
            margins.append(edge)
        _borders(table, outer=outer, inner=inner)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        return table

    def row(
        self,
        table: Table,
        cells: Sequence[Content],
        *,
        styles: Sequence[str] | None = None,
        fills: Sequence[str | None] | None = None,
        header: bool = False,
        cant_split: bool = True,
        height: object | None = None,
    ) -> _Row:
        """Append a row; each cell is markup, a list of paragraphs' markup, or a filler."""
        row = table.add_row()
        widths = [column.width for column in table.columns]
        for index, (cell, content) in enumerate(zip(row.cells, cells, strict=True)):
            cell.width = widths[index]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            style = styles[index] if styles else ("Cell Head" if header else "Cell")
            first = cell.paragraphs[0]
            if callable(content):
                first._p.getparent().remove(first._p)
                content(cell)
            else:
                parts = [content] if isinstance(content, str) else list(content)
                first._p.getparent().remove(first._p)
                for part in parts:
                    self.para(part, style, target=cell)
            fill = fills[index] if fills else None
            if fill:
                _shade(cell, fill)
            elif header:
                _shade(cell, HEADER_FILL)
        tr_pr = row._tr.get_or_add_trPr()
        if cant_split:
            tr_pr.append(OxmlElement("w:cantSplit"))
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        if height is not None:
            row.height = height
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        return row

    def loop_row(self, table: Table, tag: str) -> _Row:
        """A row holding only a ``{%tr …%}`` tag in its first cell (docxtpl removes the row)."""
        if not tag.startswith("{%tr "):
            raise ValueError(f"not a row tag: {tag!r}")
        blanks: list[str] = [""] * (len(table.columns) - 1)
        return self.row(table, [tag, *blanks], cant_split=False)

    def facts(
        self,
        rows: Sequence[tuple[str, Content]],
        label_width: float = 4.6,
        *,
        tags: dict[int, tuple[str, str]] | None = None,
    ) -> Table:
        """A two-column table: label (shaded) | value. `tags` wraps row i in ``{%tr if%}``."""
        table = self.table([label_width, TEXT_WIDTH.cm - label_width])
        for index, (label, value) in enumerate(rows):
            opening, closing = (tags or {}).get(index, ("", ""))
            if opening:
                self.loop_row(table, opening)
            self.row(table, [label, value], styles=["Cell Label", "Cell"], fills=[LABEL_FILL, None])
            if closing:
                self.loop_row(table, closing)
        _keep_together(table)
        self.spacer()
        return table

    def box(self, lines: Sequence[str], fill: str = LABEL_FILL) -> Table:
        """A shaded frame (summary of the document, regulatory reminders)."""
        table = self.table([TEXT_WIDTH.cm], outer=BORDER, inner=None)
        self.row(table, [list(lines)], styles=["Cell"], fills=[fill])
        _keep_together(table)
        self.spacer()
        return table

    def spacer(self, points: float = 2) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)
        run = paragraph.add_run()
        run.font.size = Pt(points)
        return paragraph

    # -- header, footer, signatures ----------------------------------------------------------
    def header_footer(self) -> None:
        """First page: the school's identity. Other pages: one line. Every page: Page X sur Y."""
        section = self.doc.sections[0]
        first = section.first_page_header
        identity = self.table([10.0, 7.0], 0, outer=None, inner=None, target=first)
        left = [
            "**{{ school.name }}**",
            '{{ school.status|choice("school.status") }}',
            "UAI {{ school.uai }}",
        ]
        right = [
            "{{ school.address }}",
            "Tél. {{ school.phone }}",
            "{{ school.email }}",
        ]

        def fill(lines: list[str], align: WD_ALIGN_PARAGRAPH) -> Callable[[_Cell], None]:
            def write(cell: _Cell) -> None:
                for number, line in enumerate(lines):
                    paragraph = self.para(line, "Header", target=cell, align=align)
                    if number == 0 and align is WD_ALIGN_PARAGRAPH.LEFT:
                        for run in paragraph.runs:
                            run.font.size = Pt(11)
                            run.font.color.rgb = ACCENT

            return write

        self.row(
            identity,
            [fill(left, WD_ALIGN_PARAGRAPH.LEFT), fill(right, WD_ALIGN_PARAGRAPH.RIGHT)],
            cant_split=True,
        )
        first.paragraphs[0]._p.getparent().remove(first.paragraphs[0]._p)
        rule = self.para("", "Header", target=first)
        _paragraph_rule(rule, "bottom", str(ACCENT), 8)

        other = section.header
        line = other.paragraphs[0]
        line.style = self.doc.styles["Header"]
        line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        for text, bold in (
            ("{{ school.name }}", True),
            (" – UAI {{ school.uai }}", False),
            ("\t{{ info.title }}", False),
        ):
            run = line.add_run(text)
            run.bold = bold
        _paragraph_rule(line, "bottom")

        for footer in (section.first_page_footer, section.footer):
            paragraph = footer.paragraphs[0]
            paragraph.style = self.doc.styles["Footer"]
            paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
            paragraph.add_run(
                "{{ info.title }} – {{ pupil.first_name }} {{ pupil.last_name }}"
                " – établi le {{ info.reference_date }}"
            )
            paragraph.add_run("\tPage ")
            _field(paragraph, "PAGE", "1", Pt(8))
            paragraph.add_run(" sur ")
            _field(paragraph, "NUMPAGES", "1", Pt(8))
            _paragraph_rule(paragraph, "top")

    def title_block(self, title: str, subtitle: str, summary: Sequence[str]) -> None:
        self.tag("{%p if amends %}")
        self.para(f"Avenant – {title}", "Title")
        self.tag("{%p else %}")
        self.para(title, "Title")
        self.tag("{%p endif %}")
        self.para(subtitle, "Subtitle")
        self.box(summary)
        self.tag("{%p if amends %}")
        self.para(
            "Le présent document est un **avenant au document n° {{ amends.id }} du "
            "{{ amends.date|date_fr }}**, qu'il modifie : il en reprend les stipulations, telles "
            "que modifiées, et le remplace à compter de sa signature par toutes les parties.",
        )
        self.tag("{%p endif %}")

    def signatures(self, intro: Sequence[str]) -> None:
        """One row per signer of ``info.signers``: who signs (left), the signing space (right).

        The anchor (``[[sig:head]]``…) opens the signing space in white 6 pt text; the stamping
        step finds it in the PDF and places the signature there. A row never splits across pages.
        """
        # On a page of their own: the blocks of up to six signers fit on it together.
        self.heading("Signatures", 1).paragraph_format.page_break_before = True
        for line in intro:
            self.para(line, keep_next=True)
        table = self.table([7.2, TEXT_WIDTH.cm - 7.2])
        self.row(table, ["Signataire", "Signature"], header=True)
        self.loop_row(table, "{%tr for s in info.signers %}")

        def signer(cell: _Cell) -> None:
            self.para("**{{ s.label }}**", "Cell", target=cell)
            self.para("{{ s.name }}", "Cell", target=cell)
            self.tag("{%p if s.detail %}", target=cell)
            self.para("{{ s.detail }}", "Cell", target=cell, color=MUTED)
            self.tag("{%p endif %}", target=cell)
            mention = self.para("__{{ s.mention }}__", "Cell", target=cell)
            mention.paragraph_format.space_before = Pt(6)

        def space(cell: _Cell) -> None:
            self.para("{{ s.anchor }}", "Anchor", target=cell)

        self.row(table, [signer, space], height=SIGNATURE_ROW_HEIGHT)
        self.loop_row(table, "{%tr endfor %}")

    # -- output ------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        path.write_bytes(_stable_zip(buffer.getvalue()))


def _keep_together(table: Table) -> None:
    """Keep a short table on one page: each paragraph but the last keeps with the next."""
    paragraphs = [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for paragraph in paragraphs[:-1]:
        paragraph.paragraph_format.keep_with_next = True


def _paragraph_rule_style(style: Any) -> None:
    """A thin accent line under the level-1 headings (Titre I, annexes, signatures)."""
    ppr = style.element.get_or_add_pPr()
    borders = _child(ppr, "w:pBdr")
    edge = OxmlElement("w:bottom")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), "6")
    edge.set(qn("w:space"), "2")
    edge.set(qn("w:color"), str(ACCENT))
    borders.append(edge)


def _stable_zip(data: bytes) -> bytes:
    """The same DOCX bytes on every run: fixed timestamps and entry order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# -- content shared by both kinds -------------------------------------------------------------
PUPIL_NAME = "{{ pupil.first_name }} {{ pupil.last_name }}"
PERIOD = "du {{ start_date|date_fr }} au {{ end_date|date_fr }}"
BIRTH = (
    "{{ pupil.birth_date|date_fr }} ({{ info.pupil_age }} ans au {{ info.reference_date }}"
    "{% if pupil.emancipated %}, mineur émancipé{% endif %})"
)


def _contact(person: str) -> str:
    """``courriel – téléphone`` of a person whose phone is optional."""
    email, phone = f"{{{{ {person}.email }}}}", f"{{{{ {person}.phone }}}}"
    return f"{email}{{% if {person}.phone %}} – {phone}{{% endif %}}"


def _pupil_contact() -> list[str]:
    return [
        "{% if pupil.address %}{{ pupil.address }}{% else %}Adresse non communiquée{% endif %}",
        _contact("pupil"),
    ]


def _guardians(builder: Builder) -> Callable[[_Cell], None]:
    """The guardians, one per paragraph; whether each signs comes from ``info``."""

    def write(cell: _Cell) -> None:
        builder.tag("{%p for g in guardians %}", target=cell)
        builder.para(
            "**{{ g.first_name }} {{ g.last_name }}** ({{ g.relationship }})"
            "{% if not g.signs %} – informé(e) du document, ne le signe pas{% endif %}",
            "Cell",
            target=cell,
        )
        builder.tag("{%p if g.email or g.phone %}", target=cell)
        builder.para(
            "{% if g.email %}{{ g.email }}{% endif %}{% if g.email and g.phone %} – {% endif %}"
            "{% if g.phone %}{{ g.phone }}{% endif %}",
            "Cell",
            target=cell,
        )
        builder.tag("{%p endif %}", target=cell)
        builder.tag("{%p endfor %}", target=cell)
        builder.tag("{%p if not guardians %}", target=cell)
        builder.para("Aucun représentant légal déclaré.", "Cell", target=cell)
        builder.tag("{%p endif %}", target=cell)
        builder.tag("{%p if guardians and not info.guardian_required %}", target=cell)
        builder.para("__{{ info.guardian_note }}__", "Cell", target=cell, color=MUTED)
        builder.tag("{%p endif %}", target=cell)

    return write


# -- convention de stage (domain README §1.3) -------------------------------------------------
def build_convention() -> Builder:
    b = Builder("Convention de stage")
    b.header_footer()
    b.title_block(
        "Convention de stage",
        '{{ internship_type|choice("internship_type") }}',
        [
            f"**Élève :** {PUPIL_NAME}, classe de {{{{ pupil.class_name }}}}",
            "**Organisme d'accueil :** {{ host.name }}",
            f"**Période :** {PERIOD}",
            "{%p if parcours_id %}",
            "**Contrat de parcours individualisé associé :** n° {{ parcours_id }}",
            "{%p endif %}",
            "**Document établi le :** {{ info.reference_date }}",
        ],
    )

    b.tag("{%p for v in info.visas %}")
    b.para("{{ v }}", "Visa")
    b.tag("{%p endfor %}")

    b.para("**Entre**", keep_next=True).paragraph_format.space_before = Pt(8)
    b.para(
        "l'établissement d'enseignement **{{ school.name }}** "
        '({{ school.status|choice("school.status") }}, UAI {{ school.uai }}), '
        "{{ school.address }}, représenté par {{ school.head.first_name }} "
        "{{ school.head.last_name }}, {{ school.head.title }}, ci-après « l'établissement »,"
    )
    b.para("**et**", keep_next=True)
    b.para(
        "l'organisme d'accueil **{{ host.name }}**, {{ host.address }}, représenté par "
        "{{ host.representative.first_name }} {{ host.representative.last_name }}, "
        "{{ host.representative.title }}, ci-après « l'organisme d'accueil »,"
    )
    b.para(
        f"il a été convenu ce qui suit, au bénéfice de l'élève **{PUPIL_NAME}**, "
        "classe de {{ pupil.class_name }}{% if info.guardian_required %}, avec l'accord de son "
        "ou de ses représentants légaux{% endif %}."
    )

    _convention_articles_1_to_3(b)
    _convention_articles_4_to_10(b)
    _convention_annexes(b)
    b.signatures(
        [
            "Document établi le {{ info.reference_date }}. Chaque partie signe par voie "
            "électronique dans le cadre qui lui est réservé ; le chef d'établissement signe en "
            "dernier, après toutes les autres parties, et chacune reçoit le document signé."
        ]
    )
    return b


def _convention_articles_1_to_3(b: Builder) -> None:
    """Titre I, articles 1 to 3: object, objectives and organisation."""
    b.heading("Titre I – Dispositions générales")
    b.article(1, "Objet")
    b.para(
        "La présente convention a pour objet la mise en œuvre, au bénéfice de l'élève désigné "
        "ci-dessus, d'une période en milieu professionnel au sein de l'organisme d'accueil : "
        '« {{ internship_type|choice("internship_type") }} ».'
    )
    b.tag("{%p if parcours_id %}")
    b.para(
        "Cette période s'inscrit dans le contrat de parcours individualisé n° {{ parcours_id }} "
        "conclu entre l'élève, sa famille et l'établissement."
    )
    b.tag("{%p endif %}")

    b.article(2, "Objectifs et modalités")
    b.para(
        "Les objectifs et les modalités de la période en milieu professionnel sont consignés dans "
        "l'annexe pédagogique. Les modalités de prise en charge des frais afférents à cette "
        "période ainsi que les modalités d'assurance sont définies dans l'annexe financière. "
        "Les deux annexes font partie intégrante de la présente convention."
    )

    b.article(3, "Organisation")
    b.para(
        "L'organisation de la période est déterminée d'un commun accord entre le représentant de "
        "l'organisme d'accueil et le chef d'établissement. Elle est approuvée par l'élève et, "
        "s'il est mineur non émancipé, par son ou ses représentants légaux."
    )
    b.para(
        "La présente convention est signée par le chef d'établissement et par le représentant de "
        "l'organisme d'accueil. Elle est également signée par l'élève et, s'il est mineur non "
        "émancipé, par son ou ses représentants légaux, ainsi que par l'enseignant référent et "
        "par le tuteur, qui en reçoivent communication.{% if info.is_pfmp %} L'engagement de "
        "l'enseignant référent est limité aux stipulations pédagogiques.{% endif %}"
    )


def _convention_articles_4_to_10(b: Builder) -> None:
    """Titre I, from the pupil's status to electronic signature and personal data."""
    b.article(4, "Statut et obligations de l'élève")
    b.para(
        "L'élève demeure, durant la période en milieu professionnel, sous statut scolaire. Il "
        "reste sous l'autorité et la responsabilité du chef d'établissement. Il est soumis aux "
        "règles en vigueur dans l'organisme d'accueil, notamment en matière de sécurité, "
        "d'horaires et de discipline, sous réserve des dispositions de la présente convention."
    )
    b.tag("{%p if info.is_observation %}")
    b.para(
        "L'élève ne peut prétendre à aucune rémunération ou gratification de la part de "
        "l'organisme d'accueil."
    )
    b.tag("{%p elif gratification %}")
    b.para(
        "L'élève perçoit de l'organisme d'accueil une gratification dont le montant et les "
        "modalités de versement sont précisés dans l'annexe financière (article L.124-6 du code "
        "de l'éducation)."
    )
    b.tag("{%p else %}")
    b.para(
        "Aucune gratification n'est prévue par la présente convention. Une gratification est due "
        "lorsque la durée de présence de l'élève dans l'organisme d'accueil excède deux mois, "
        "consécutifs ou non, au cours d'une même année scolaire (article L.124-6 du code de "
        "l'éducation)."
    )
    b.tag("{%p endif %}")

    b.article(5, "Activités et sécurité")
    b.tag("{%p if info.is_pfmp %}")
    b.para(
        "L'élève réalise, sous la responsabilité de son tuteur, des activités en relation directe "
        "avec les compétences visées par l'annexe pédagogique ; il ne peut être affecté à aucune "
        "autre tâche. L'élève mineur ne peut être affecté aux travaux interdits aux jeunes de "
        "moins de dix-huit ans par les articles D.4153-15 à D.4153-37 du code du travail ; les "
        "travaux réglementés ne peuvent lui être confiés que dans les conditions de dérogation "
        "prévues aux articles R.4153-38 à R.4153-48 du même code."
    )
    b.tag("{%p else %}")
    b.para(
        "Durant la période, l'élève n'a pas à concourir au travail dans l'organisme d'accueil. "
        "Il peut effectuer des enquêtes en liaison avec les enseignements et participer à des "
        "activités de l'organisme, à des essais ou à des démonstrations en liaison avec les "
        "enseignements et les objectifs de formation de sa classe, sous le contrôle des "
        "personnels responsables de son encadrement."
    )
    b.para(
        "L'élève ne peut accéder aux machines, appareils ou produits dont l'usage est proscrit "
        "aux mineurs par les articles D.4153-15 à D.4153-37 du code du travail. Il ne peut ni "
        "procéder à des manœuvres ou manipulations sur d'autres machines, produits ou appareils "
        "de production, ni effectuer les travaux légers autorisés aux mineurs par ce même code."
    )
    b.tag("{%p endif %}")

    b.article(6, "Assurances")
    b.para(
        "Le représentant de l'organisme d'accueil prend les dispositions nécessaires pour "
        "garantir sa responsabilité civile chaque fois qu'elle est engagée, soit en souscrivant "
        "une assurance particulière, soit en ajoutant à son contrat déjà souscrit un avenant "
        "relatif à l'accueil d'élèves.{% if host.insurance %} Assureur et numéro de police "
        "déclarés : {{ host.insurance }}.{% endif %}"
    )
    b.para(
        "Le chef d'établissement contracte une assurance couvrant la responsabilité civile de "
        "l'élève pour les dommages qu'il pourrait causer pendant la période en milieu "
        "professionnel, ainsi qu'en dehors de l'organisme d'accueil ou sur le trajet menant au "
        "lieu de la période ou au domicile."
    )
    b.para(
        "L'élève ou sa famille souscrit une assurance de responsabilité civile couvrant les "
        "dommages qu'il pourrait causer et qui ne seraient imputables ni à l'organisme "
        "d'accueil, ni à l'établissement."
    )

    b.article(7, "Accident")
    b.para(
        "En cas d'accident survenant à l'élève, soit au cours de la période en milieu "
        "professionnel, soit au cours du trajet, le représentant de l'organisme d'accueil alerte "
        "sans délai le chef d'établissement (tél. {{ school.phone }}, {{ school.email }}) par "
        "tout moyen mis à sa disposition et lui adresse la déclaration d'accident le jour même."
        "{% if info.is_pfmp %} L'élève bénéficie de la législation sur les accidents du travail "
        "(article L.412-8, 2° du code de la sécurité sociale).{% endif %}"
    )

    b.article(8, "Information mutuelle et absences")
    b.para(
        "Le chef d'établissement et le représentant de l'organisme d'accueil se tiennent "
        "mutuellement informés des difficultés qui pourraient naître de l'application de la "
        "présente convention et prennent, d'un commun accord et en liaison avec l'équipe "
        "pédagogique, les dispositions propres à les résoudre, notamment en cas de manquement à "
        "la discipline. Toute absence de l'élève est aussitôt signalée au chef d'établissement."
    )
    b.para(
        "Le tuteur et l'enseignant référent se concertent au cours de la période ; une visite "
        "de l'enseignant référent sur le lieu de stage est prévue le "
        "{{ site_visit_date|date_fr }}."
    )

    b.article(9, "Durée")
    b.para(
        f"La présente convention est conclue pour la période {PERIOD}, soit "
        "{{ info.duration_text }} selon les horaires de l'annexe pédagogique (jours fériés "
        "exclus). Elle doit être signée par toutes les parties avant le début de la période. "
        "Elle ne peut être modifiée que par un avenant signé par les mêmes parties."
    )

    b.article(10, "Signature électronique et données personnelles")
    b.para(
        "La présente convention est établie et signée par voie électronique. Les parties "
        "reconnaissent à sa version électronique signée la même valeur probante qu'un écrit sur "
        "support papier (articles 1366 et 1367 du code civil)."
    )
    b.para(
        "Les données personnelles qu'elle contient sont traitées par l'établissement, dont le "
        "chef d'établissement est responsable de traitement, pour l'organisation et le suivi de "
        "la période en milieu professionnel. Les personnes concernées exercent leurs droits "
        "auprès du chef d'établissement ({{ school.email }})."
    )


def _convention_annexes(b: Builder) -> None:
    """Titre II: annexe pédagogique (who, where, when, what) and annexe financière."""
    b.heading("Titre II – Dispositions particulières")
    b.heading("A. Annexe pédagogique", 2)
    b.heading("L'élève", 3)
    b.facts(
        [
            ("Nom et prénom", f"**{PUPIL_NAME}**"),
            ("Date de naissance", BIRTH),
            ("Classe", "{{ pupil.class_name }}"),
            ("Diplôme préparé", "{{ diploma }}"),
            ("Coordonnées", _pupil_contact()),
            ("Représentant(s) légal(aux)", _guardians(b)),
        ],
        tags={3: ("{%tr if diploma %}", "{%tr endif %}")},
    )
    b.heading("L'organisme d'accueil", 3)
    b.facts(
        [
            ("Nom", "**{{ host.name }}**"),
            ("Type d'organisme", '{{ host.kind|choice("host.kind") }}'),
            (
                "N° SIRET",
                "{% if host.siret %}{{ host.siret|siret }}{% else %}Sans n° SIRET"
                "{% if host.siret_missing_reason %} : {{ host.siret_missing_reason }}{% endif %}"
                "{% endif %}",
            ),
            ("Adresse", "{{ host.address }}"),
            (
                "Lieu du stage",
                "{% if host.internship_address %}{{ host.internship_address }}"
                "{% else %}À l'adresse de l'organisme{% endif %}",
            ),
            (
                "Représentant",
                [
                    "{{ host.representative.first_name }} {{ host.representative.last_name }}, "
                    "{{ host.representative.title }}",
                    _contact("host.representative"),
                ],
            ),
            (
                "Tuteur",
                [
                    "{{ host.tutor.first_name }} {{ host.tutor.last_name }}, "
                    "{{ host.tutor.function }}",
                    _contact("host.tutor"),
                ],
            ),
        ]
    )
    b.heading("Le suivi pédagogique", 3)
    b.facts(
        [
            (
                "Enseignant référent",
                [
                    "{{ referent.first_name }} {{ referent.last_name }}, {{ referent.function }}",
                    _contact("referent"),
                ],
            ),
            ("Visite prévue", "{{ site_visit_date|date_fr }}, sur le lieu de stage"),
            ("Période", f"{PERIOD}, soit {{{{ info.duration_text }}}}"),
        ]
    )

    b.heading("Horaires de présence (heure de Paris)", 3)
    table = b.table([4.0, 9.5, TEXT_WIDTH.cm - 13.5])
    b.row(table, ["Jour", "Horaires", "Durée"], header=True)
    b.loop_row(table, "{%tr for day in schedule|schedule_rows %}")
    b.row(table, ["**{{ day.day }}**", "{{ day.ranges }}", "{{ day.total }}"])
    b.loop_row(table, "{%tr endfor %}")
    b.row(
        table,
        ["**Total hebdomadaire**", "", "**{{ info.weekly_hours }}**"],
        fills=[LABEL_FILL, LABEL_FILL, LABEL_FILL],
    )
    _keep_together(table)
    b.spacer()

    b.heading("Activités prévues", 3)
    b.longtext("activities")
    b.heading("Compétences visées", 3)
    b.longtext("skills")
    b.heading("Modalités d'évaluation", 3)
    b.longtext(
        "evaluation",
        otherwise="Appréciation du tuteur, recueillie par l'enseignant référent à l'issue de la "
        "période.",
    )

    b.tag("{%p if info.pupil_is_minor %}")
    b.heading("Repères réglementaires (élève mineur)", 3)
    b.box(
        [
            "Présence : {{ info.youth_limits.week }} par semaine et {{ info.youth_limits.day }} "
            "par jour au plus ; pause de 30 minutes consécutives au moins dès que la présence "
            "quotidienne atteint 4 h 30.",
            "Repos : {{ info.youth_limits.daily_rest }} consécutives chaque jour et deux jours "
            "consécutifs chaque semaine.",
            "Aucune présence la nuit ({{ info.youth_limits.night }}), le dimanche ni les jours "
            "fériés.",
            "Aucun accès aux machines, appareils ou produits interdits aux mineurs (articles "
            "D.4153-15 à D.4153-37 du code du travail).",
        ]
    )
    b.tag("{%p endif %}")

    b.heading("B. Annexe financière", 2)
    b.facts(
        [
            (
                "Hébergement",
                "{% if lodging %}{{ lodging }}{% else %}L'hébergement n'entre pas dans le cadre "
                "de la présente convention.{% endif %}",
            ),
            ("Restauration", "{{ meals }}"),
            (
                "Transport",
                "{% if transport %}{{ transport }}{% else %}Aucune disposition particulière."
                "{% endif %}",
            ),
            (
                "Assurance",
                "Chaque partie est assurée dans les conditions prévues à l'article 6 de la "
                "présente convention.",
            ),
            ("Gratification", "{{ gratification }}"),
        ],
        tags={4: ("{%tr if gratification %}", "{%tr endif %}")},
    )


# -- contrat de parcours individualisé (domain README §2) -------------------------------------
def build_parcours() -> Builder:
    b = Builder("Contrat de parcours individualisé")
    b.header_footer()
    b.title_block(
        "Contrat de parcours individualisé",
        '{{ scheme|choice("scheme") }}',
        [
            f"**Élève :** {PUPIL_NAME}, classe de {{{{ pupil.class_name }}}}",
            "**Référent du parcours :** {{ referent.first_name }} {{ referent.last_name }}, "
            "{{ referent.function }}",
            f"**Période :** {PERIOD}",
            "**Document établi le :** {{ info.reference_date }}",
        ],
    )
    b.para(
        "Le présent contrat est conclu entre l'élève, sa famille et l'établissement. Il fixe les "
        "objectifs du parcours, leurs échéances, les modalités de suivi et les engagements de "
        "chacun, afin de permettre à l'élève de poursuivre sa formation et de prévenir le "
        "décrochage scolaire."
    )

    b.article(1, "Les parties")
    b.facts(
        [
            (
                "L'élève",
                [
                    f"**{PUPIL_NAME}**, classe de {{{{ pupil.class_name }}}}",
                    f"Date de naissance : {BIRTH}",
                    *_pupil_contact(),
                ],
            ),
            ("Représentant(s) légal(aux)", _guardians(b)),
            (
                "Le référent du parcours",
                [
                    "**{{ referent.first_name }} {{ referent.last_name }}**, "
                    "{{ referent.function }}",
                    _contact("referent"),
                ],
            ),
            (
                "L'établissement",
                [
                    "**{{ school.name }}**, UAI {{ school.uai }}",
                    "représenté par {{ school.head.first_name }} {{ school.head.last_name }}, "
                    "{{ school.head.title }}",
                ],
            ),
        ]
    )

    b.article(2, "Dispositif et période")
    b.para(
        'L\'élève bénéficie du dispositif suivant : **{{ scheme|choice("scheme") }}**. '
        f"Le parcours se déroule {PERIOD}, soit {{{{ info.duration_text }}}}."
    )
    b.tag("{%p if includes_internship %}")
    b.para(
        "Le parcours comprend un **stage en milieu professionnel**. Il fait l'objet d'une "
        "convention de stage distincte, liée au présent contrat et signée avant le début du "
        "stage par l'établissement, l'organisme d'accueil, l'élève et, s'il est mineur, ses "
        "représentants légaux ; une visite du lieu de stage est prévue."
    )
    b.tag("{%p else %}")
    b.para(
        "Toute activité en milieu professionnel prévue dans le cadre du parcours fait l'objet "
        "d'une convention de stage distincte, signée avant son début par l'établissement, "
        "l'organisme d'accueil, l'élève et, s'il est mineur, ses représentants légaux ; une "
        "visite du lieu de stage est alors prévue."
    )
    b.tag("{%p endif %}")

    b.article(3, "Constat et motifs")
    b.longtext(
        "reasons",
        otherwise="Constat partagé lors de l'entretien préalable avec l'élève et sa famille.",
    )

    b.article(4, "Objectifs")
    table = b.table([1.0, 5.6, 7.2, TEXT_WIDTH.cm - 13.8])
    b.row(table, ["N°", "Objectif", "Indicateur de réussite", "Échéance"], header=True)
    b.loop_row(table, "{%tr for o in objectives %}")
    b.row(
        table,
        ["{{ loop.index }}", "**{{ o.label }}**", "{{ o.indicator }}", "{{ o.deadline|date_fr }}"],
    )
    b.loop_row(table, "{%tr endfor %}")
    b.spacer()

    b.article(5, "Organisation et emploi du temps aménagé")
    b.longtext("schedule")

    b.article(6, "Modalités de suivi")
    b.para(
        "Le référent du parcours, {{ referent.first_name }} {{ referent.last_name }}, assure le "
        "tutorat de l'élève : il le rencontre régulièrement, fait le lien avec la famille, "
        "l'équipe pédagogique et, le cas échéant, l'organisme d'accueil, et prépare les bilans "
        "avec lui."
    )
    b.tag("{%p for r in reviews %}")
    b.bullet("Bilan intermédiaire n° {{ loop.index }} : {{ r|date_fr }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if not reviews %}")
    b.bullet("Bilans intermédiaires : fixés en cours de parcours, à l'initiative du référent")
    b.tag("{%p endif %}")
    b.bullet("**Bilan final : {{ final_review|date_fr }}**")
    b.para(
        "Chaque bilan réunit l'élève, sa famille, le référent et un représentant de la direction ; "
        "il mesure l'atteinte des objectifs au regard de leurs indicateurs."
    )

    b.article(7, "Engagements des parties")
    for subject, items in (
        ("L'élève s'engage à :", "commitments.pupil"),
        ("La famille s'engage à :", "commitments.family"),
        ("L'établissement s'engage à :", "commitments.school"),
    ):
        b.heading(subject, 3)
        b.tag(f"{{%p for c in {items} %}}")
        b.bullet("{{ c }}")
        b.tag("{%p endfor %}")

    b.article(8, "Statut scolaire")
    b.para(
        "L'élève conserve son statut scolaire pendant toute la durée du parcours. Il demeure "
        "inscrit dans l'établissement, sous l'autorité et la responsabilité du chef "
        "d'établissement, et conserve les droits qui y sont attachés : protection sociale, "
        "protection au titre de la législation sur les accidents du travail pour les activités "
        "organisées dans le cadre du parcours (article L.412-8 du code de la sécurité sociale) "
        "et maintien de sa bourse nationale le cas échéant. Le retour dans sa formation "
        "d'origine est possible à tout moment, sans pénalité."
    )

    b.article(9, "Révision, avenant et fin du contrat")
    b.para(
        "Le contrat est réexaminé lors de chaque bilan. Toute modification de ses objectifs, de "
        "sa durée ou de l'organisation de la scolarité fait l'objet d'un avenant signé par les "
        "mêmes parties. Le contrat peut prendre fin avant son terme à la demande de l'élève ou "
        "de ses représentants légaux, ou sur décision du chef d'établissement après un bilan "
        "réunissant les parties. Si l'élève devient majeur en cours de contrat, il signe seul "
        "les avenants et ses représentants légaux en sont informés."
    )

    b.article(10, "Protection des données personnelles")
    b.para(
        "Les données personnelles figurant dans le présent contrat sont traitées par "
        "l'établissement pour l'organisation et le suivi du parcours, dans le cadre de sa "
        "mission d'intérêt public (article 6.1.e du règlement général sur la protection des "
        "données). Le responsable de traitement est le chef d'établissement. Ces données ne "
        "comportent ni donnée de santé ni donnée judiciaire et ne sont accessibles qu'aux "
        "personnels chargés du suivi de l'élève. L'élève et ses représentants légaux exercent "
        "leurs droits d'accès, de rectification et de limitation auprès du chef "
        "d'établissement ({{ school.email }}) ou du délégué à la protection des données de "
        "l'académie."
    )

    b.signatures(
        [
            "Document établi le {{ info.reference_date }}. Chaque partie signe par voie "
            "électronique dans le cadre qui lui est réservé ; le chef d'établissement signe en "
            "dernier, après toutes les autres parties, et chacune reçoit le contrat signé."
        ]
    )
    return b


BUILDERS: dict[str, Callable[[], Builder]] = {
    "parcours": build_parcours,
    "convention": build_convention,
}


def template_path(kind: str) -> Path:
    return HERE / kind / "template.docx"


def main() -> None:
    for kind, build in BUILDERS.items():
        build().save(template_path(kind))


if __name__ == "__main__":
    main()
