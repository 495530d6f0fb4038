"""Anonymise a Word (DOCX) package at the XML level, before it is converted to PDF.

We work on the OPC package itself, not on python-docx's object model, because
identifiers hide in parts python-docx never shows: headers of every kind,
footnotes, text boxes (twice: DrawingML and the VML fallback), comments,
tracked changes, relationship targets, field codes, alt text, document
properties and image metadata. The input is assumed to be a well-formed
transitional DOCX (intake checks that), but any oddity still ends as a
`DocumentError` naming the file, never as a traceback.

Privacy rules: no identifier value ever goes into an exception, a log line or a
Melding; results carry only counts per category.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from lxml import etree
from PIL import Image, ImageOps

from dossier_app.anonymise.hits import Finder, Hit
from dossier_app.documents.docx_package import NS_W
from dossier_app.errors import DocumentError
from dossier_app.meldingen import Melding, Niveau

# --- namespaces -----------------------------------------------------------------------
W = NS_W
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


W_P, W_R, W_T, W_INSTR = _w("p"), _w("r"), _w("t"), _w("instrText")
W_TXBX, W_PPR, W_RPR, W_TRPR = _w("txbxContent"), _w("pPr"), _w("rPr"), _w("trPr")
W_FLDCHAR, W_FLDSIMPLE, W_HYPERLINK = _w("fldChar"), _w("fldSimple"), _w("hyperlink")
W_FLDTYPE, W_INSTR_ATTR = _w("fldCharType"), _w("instr")
A_P, A_T, M_T, C_V = f"{{{A}}}p", f"{{{A}}}t", f"{{{M}}}t", f"{{{C}}}v"

# Characters that are not w:t but are part of the text a reader sees.
_CHAR_TAGS = {
    _w("tab"): "\t", _w("ptab"): "\t", _w("br"): "\n", _w("cr"): "\n",
    _w("noBreakHyphen"): "-", f"{{{A}}}br": "\n",
}
# Never descend into these while collecting one paragraph's runs: they hold
# properties or another paragraph (text boxes nest paragraphs in paragraphs).
_STOP_TAGS = {W_P, W_TXBX, W_PPR, W_RPR, _w("sectPr"), A_P, f"{{{A}}}pPr", f"{{{A}}}rPr"}

_COMMENT_MARKS = {_w("commentRangeStart"), _w("commentRangeEnd"), _w("commentReference")}
_REVISION_PROPS = {
    _w(n) for n in (
        "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tcPrChange", "trPrChange",
        "tblGridChange", "tblPrExChange", "numberingChange", "moveFromRangeStart",
        "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "cellIns", "cellDel",
        "cellMerge", "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
        "customXmlDelRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
        "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd", "delText", "delInstrText",
    )
}
# Attributes that name people or sessions, removed wherever they occur.
_PERSON_ATTR_LOCALNAMES = {"author", "date", "initials", "dateUtc", "userId", "providerId"}
# Free-text attributes that may hold an identifier: scrubbed with the finder.
_TEXT_ATTR_LOCALNAMES = {"descr", "title", "alt", "tooltip", "string"}
# Settings that hold names, paths or revision history, or make a converter
# refresh fields (which could pull in the user's or the file's name).
_SETTINGS_DROP = {
    _w(n) for n in ("trackRevisions", "rsids", "attachedTemplate", "docVars", "mailMerge",
                    "updateFields")
}
# Relationship types (last path segment) whose targets are dropped with the link.
_DROP_REL_TYPES = {
    "comments", "commentsExtended", "commentsIds", "commentsExtensible", "people",
    "customXml", "glossaryDocument", "custom-properties", "thumbnail", "attachedTemplate",
    "mailMergeSource", "mailMergeHeaderSource", "recipientData", "vbaProject",
    "wordVbaData", "keyMapCustomizations",
}
_COMMENT_REL_TYPES = {"comments", "commentsExtended", "commentsIds", "commentsExtensible",
                      "people"}
_HIDDEN_REL_TYPES = {"customXml", "glossaryDocument", "mailMergeSource", "attachedTemplate"}
_OFFICE_DOCUMENT = "officeDocument"
_APP_KEEP = {"Application", "AppVersion", "DocSecurity", "ScaleCrop", "LinksUpToDate",
             "SharedDoc", "HyperlinksChanged", "Pages", "Words", "Characters", "Lines",
             "Paragraphs", "CharactersWithSpaces"}
_CORE_KEEP = {"created", "modified", "language"}
# Fields whose result is computed, not fetched from people, files or the network.
# Every other field is frozen to its cached result so no converter re-evaluates it.
_SAFE_FIELDS = {
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "TOC", "TOA", "TC", "REF", "PAGEREF",
    "NOTEREF", "SEQ", "STYLEREF", "HYPERLINK", "FORMTEXT", "FORMCHECKBOX", "FORMDROPDOWN",
    "SYMBOL", "EQ", "DATE", "TIME", "LISTNUM", "AUTONUM", "AUTONUMLGL", "AUTONUMOUT", "XE",
    "INDEX", "IF", "=", "COMPARE", "ADVANCE", "PRIVATE", "BIDIOUTLINE", "BARCODE",
}
_SAFE_URL = re.compile(r"^(https?://|#)", re.IGNORECASE)

_MAX_PARTS = 10_000
_MAX_TOTAL_BYTES = 1 << 30  # uncompressed; a real report is far below this

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=False)


@dataclass
class DocxAnonResult:
    """What anonymisation did: meldingen for the user and hit counts per category."""

    meldingen: list[Melding] = field(default_factory=list)
    aantallen: dict[str, int] = field(default_factory=dict)


@dataclass
class _Context:
    finder: Finder
    bestand: str
    counts: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)

    def hits(self, text: str) -> list[Hit]:
        if not text or text.isspace():
            return []
        return _merge_hits(self.finder(text), len(text))

    def scrub(self, text: str) -> str:
        """Replace every hit in a standalone string by its label."""
        hits = self.hits(text)
        for hit in reversed(hits):
            text = text[: hit.start] + hit.label + text[hit.end:]
            self.counts[hit.categorie] += 1
        return text


def anonymise_docx(src: Path, dst: Path, finder: Finder, *, bestand: str) -> DocxAnonResult:
    """Write an anonymised copy of the DOCX `src` to `dst` (a new zip).

    `bestand` is the file as the user named it; it appears in meldingen and errors.
    Raises DocumentError for anything that cannot be read or written."""
    ctx = _Context(finder, bestand)
    try:
        package = _Package.read(src, bestand)
        _anonymise_package(package, ctx)
        package.write(dst)
    except DocumentError:
        raise
    except Exception as exc:  # the boundary: third-party errors become ours
        # `from None` and only the type name: the original message may quote text.
        raise DocumentError(
            f"Het Word-bestand {bestand} kon niet worden geanonimiseerd. Open het in Word, "
            "sla het opnieuw op als .docx en probeer het nog eens.",
            bestand=bestand, code="DOCX_ANONIMISEREN", details=[type(exc).__name__],
        ) from None
    return DocxAnonResult(meldingen=_meldingen(ctx), aantallen=dict(ctx.counts))


# --- the package ---------------------------------------------------------------------


class _Package:
    """The parts of an OPC zip, by name, in their original order."""

    def __init__(self, parts: dict[str, bytes], bestand: str) -> None:
        self.parts = parts
        self.bestand = bestand
        self._by_lower = {name.lower(): name for name in parts}
        self.trees: dict[str, etree._Element] = {}

    @classmethod
    def read(cls, src: Path, bestand: str) -> _Package:
        parts: dict[str, bytes] = {}
        total = 0
        with zipfile.ZipFile(src) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > _MAX_PARTS:
                raise _too_big(bestand)
            for info in infos:
                with zf.open(info) as fh:
                    data = fh.read(_MAX_TOTAL_BYTES - total + 1)
                total += len(data)
                if total > _MAX_TOTAL_BYTES:
                    raise _too_big(bestand)
                if info.filename in parts:
                    raise _damaged(bestand)
                parts[info.filename] = data
        if "[Content_Types].xml" not in parts:
            raise _damaged(bestand)
        return cls(parts, bestand)

    def find(self, name: str) -> str | None:
        return self._by_lower.get(name.lstrip("/").lower())

    def tree(self, name: str) -> etree._Element:
        if name not in self.trees:
            self.trees[name] = _parse(self.parts[name], self.bestand)
        return self.trees[name]

    def remove(self, name: str) -> None:
        self.parts.pop(name, None)
        self._by_lower.pop(name.lower(), None)
        self.trees.pop(name, None)

    def write(self, dst: Path) -> None:
        for name, root in self.trees.items():
            if name in self.parts:
                self.parts[name] = etree.tostring(root, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)
        order = ["[Content_Types].xml"] + [n for n in self.parts if n != "[Content_Types].xml"]
        with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in order:
                # A fixed timestamp: the zip should not tell when it was anonymised.
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, self.parts[name])


def _parse(data: bytes, bestand: str) -> etree._Element:
    root = etree.fromstring(data, parser=_PARSER)
    if root.getroottree().docinfo.doctype:
        # Intake refuses DTDs; a part that still has one is not to be trusted.
        raise _damaged(bestand)
    return root


def _too_big(bestand: str) -> DocumentError:
    return DocumentError(
        f"Het Word-bestand {bestand} is te groot of bevat te veel onderdelen om veilig te "
        "verwerken. Verklein het document (bijvoorbeeld afbeeldingen comprimeren) en probeer "
        "het opnieuw.", bestand=bestand, code="DOCX_TE_GROOT")


def _damaged(bestand: str) -> DocumentError:
    return DocumentError(
        f"Het Word-bestand {bestand} is beschadigd of geen geldig .docx-bestand. Open het in "
        "Word, sla het opnieuw op als .docx en probeer het nog eens.",
        bestand=bestand, code="DOCX_BESCHADIGD")


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _source_of_rels(rels: str) -> str:
    folder, base = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(target)))


def _rel_kind(rel: etree._Element) -> str:
    return (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]


def _relationships(pkg: _Package, rels_part: str) -> list[etree._Element]:
    return [r for r in pkg.tree(rels_part) if r.tag == f"{{{PKG_REL}}}Relationship"]


def _rels_parts(pkg: _Package) -> list[str]:
    return [n for n in pkg.parts if n.lower().endswith(".rels")]


def _internal_targets(pkg: _Package, part: str) -> Iterator[str]:
    rels = pkg.find(_rels_name(part))
    if rels is None:
        return
    for rel in _relationships(pkg, rels):
        if rel.get("TargetMode") != "External":
            found = pkg.find(_resolve(part, rel.get("Target") or ""))
            if found:
                yield found


# --- orchestration -----------------------------------------------------------------


def _anonymise_package(pkg: _Package, ctx: _Context) -> None:
    main = _main_part(pkg)
    _count_comments(pkg, main, ctx)
    _drop_relationships(pkg, ctx)
    _collect_garbage(pkg)
    removed_links = _scrub_external_targets(pkg, ctx)
    for name in _xml_parts(pkg):
        _clean_xml_part(pkg, name, ctx, removed_links.get(name, set()))
    _drop_unreferenced_images(pkg)
    _collect_garbage(pkg)
    _strip_image_metadata(pkg, ctx)


def _main_part(pkg: _Package) -> str:
    rels = pkg.find("_rels/.rels")
    if rels is None:
        raise _damaged(pkg.bestand)
    for rel in _relationships(pkg, rels):
        if _rel_kind(rel) == _OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            found = pkg.find(_resolve("", rel.get("Target") or ""))
            # A zip found inside some other file (a .doc holds theme zips) is no DOCX.
            if found and found.lower().endswith(".xml") and pkg.tree(found).tag == _w("document"):
                return found
    raise _damaged(pkg.bestand)


def _xml_parts(pkg: _Package) -> list[str]:
    return [n for n in pkg.parts
            if n.lower().endswith(".xml") and n != "[Content_Types].xml"]


def _count_comments(pkg: _Package, main: str, ctx: _Context) -> None:
    for target in _internal_targets(pkg, main):
        if target.lower().endswith(".xml") and pkg.tree(target).tag == _w("comments"):
            ctx.events["opmerkingen"] += len(pkg.tree(target).findall(_w("comment")))


def _drop_relationships(pkg: _Package, ctx: _Context) -> None:
    """Cut links to comments, custom XML, glossary, custom properties, thumbnails and
    templates; the parts themselves go in the garbage collection that follows."""
    for rels in _rels_parts(pkg):
        source = _source_of_rels(rels)
        for rel in _relationships(pkg, rels):
            kind = _rel_kind(rel)
            chart_data = kind == "package" and "/charts/" in f"/{source}"
            # A link to a missing part makes python-docx (and some converters) fail.
            dangling = rel.get("TargetMode") != "External" and pkg.find(
                _resolve(source, rel.get("Target") or "")) is None
            if kind in _DROP_REL_TYPES or chart_data or dangling:
                rel.getparent().remove(rel)
                if kind in _COMMENT_REL_TYPES:
                    ctx.events["opmerkingen_gevonden"] += 1
                elif kind in _HIDDEN_REL_TYPES:
                    ctx.events["verborgen"] += 1
                elif kind == "custom-properties":
                    ctx.events["eigenschappen"] += 1


def _collect_garbage(pkg: _Package) -> None:
    """Keep only parts reachable through relationships from the package root."""
    reachable = {"[Content_Types].xml"}
    todo = [""]
    while todo:
        source = todo.pop()
        rels = pkg.find(_rels_name(source)) if source else pkg.find("_rels/.rels")
        if rels is None:
            continue
        reachable.add(rels)
        for target in _internal_targets(pkg, source):
            if target not in reachable:
                reachable.add(target)
                todo.append(target)
    for name in [n for n in pkg.parts if n not in reachable]:
        pkg.remove(name)
    _fix_content_types(pkg)


def _fix_content_types(pkg: _Package) -> None:
    types = pkg.tree("[Content_Types].xml")
    for override in types.findall(f"{{{CT}}}Override"):
        if pkg.find(override.get("PartName") or "") is None:
            types.remove(override)


# --- relationship targets ------------------------------------------------------------


def _scrub_external_targets(pkg: _Package, ctx: _Context) -> dict[str, set[str]]:
    """Drop external targets that name someone (mailto:, file paths, finder hits).

    Returns, per source part, the relationship ids that no longer exist."""
    removed: dict[str, set[str]] = {}
    for rels in _rels_parts(pkg):
        source = pkg.find(_source_of_rels(rels)) or _source_of_rels(rels)
        for rel in _relationships(pkg, rels):
            if rel.get("TargetMode") != "External":
                continue
            if _target_is_personal(rel.get("Target") or "", ctx):
                rel.getparent().remove(rel)
                removed.setdefault(source, set()).add(rel.get("Id") or "")
                ctx.events["koppelingen"] += 1
    return removed


def _target_is_personal(target: str, ctx: _Context) -> bool:
    decoded = unquote(target)
    if not _SAFE_URL.match(decoded.strip()):
        return True  # mailto:, file:, UNC paths, anything that is not a plain web link
    spaced = re.sub(r"[._\-+/=?&%:#@]", " ", decoded)
    return bool(ctx.hits(decoded) or ctx.hits(spaced))


def _detach_removed_links(root: etree._Element, ids: set[str]) -> None:
    if not ids:
        return
    for el in list(root.iter()):
        for attr, value in list(el.attrib.items()):
            if attr.startswith(f"{{{R}}}") and value in ids:
                if el.tag == W_HYPERLINK:
                    del el.attrib[attr]
                    _unwrap(el)
                elif etree.QName(el).localname in ("hlinkClick", "hlinkHover"):
                    _remove(el)
                else:
                    del el.attrib[attr]


def _drop_unreferenced_images(pkg: _Package) -> None:
    """An image whose reference went with a comment or a removed object is dropped."""
    for rels in _rels_parts(pkg):
        source = pkg.find(_source_of_rels(rels))
        if source is None or not source.lower().endswith(".xml"):
            continue
        used = {v for el in pkg.tree(source).iter() for k, v in el.attrib.items()
                if k.startswith(f"{{{R}}}")}
        for rel in _relationships(pkg, rels):
            if _rel_kind(rel) == "image" and rel.get("Id") not in used:
                rel.getparent().remove(rel)


# --- XML parts ---------------------------------------------------------------------


def _clean_xml_part(pkg: _Package, name: str, ctx: _Context, removed_links: set[str]) -> None:
    root = pkg.tree(name)
    ns = etree.QName(root).namespace
    if ns == CORE:
        _clean_core(root, ctx)
    elif ns == APP:
        _clean_app(root, ctx)
    elif root.tag == _w("settings"):
        _clean_settings(root)
    if ns in (CORE, APP):
        return
    _detach_removed_links(root, removed_links)
    _remove_comment_marks(root)
    _accept_revisions(root, ctx)
    _unwrap_all(root, ("sdt", "smartTag", "customXml"))
    _freeze_fields(root, ctx)
    _strip_person_attributes(root)
    for paragraph in _paragraphs(root):
        _scrub_paragraph(paragraph, ctx)
    _scrub_attributes(root, ctx)
    _sweep_text_leaves(root, ctx)
    for data in root.iter(f"{{{C}}}externalData"):
        _remove(data)


def _clean_core(root: etree._Element, ctx: _Context) -> None:
    for el in list(root):
        if etree.QName(el).localname not in _CORE_KEEP:
            if (el.text or "").strip():
                ctx.events["eigenschappen"] += 1
            root.remove(el)


def _clean_app(root: etree._Element, ctx: _Context) -> None:
    for el in list(root):
        if etree.QName(el).localname not in _APP_KEEP:
            if "".join(el.itertext()).strip():
                ctx.events["eigenschappen"] += 1
            root.remove(el)


def _clean_settings(root: etree._Element) -> None:
    for el in list(root):
        if el.tag in _SETTINGS_DROP:
            root.remove(el)


def _remove_comment_marks(root: etree._Element) -> None:
    for el in [e for e in root.iter(*_COMMENT_MARKS)]:
        run = el.getparent()
        _remove(el)
        if run is not None and run.tag == W_R and all(c.tag == W_RPR for c in run):
            _remove(run)


def _accept_revisions(root: etree._Element, ctx: _Context) -> None:
    """Drop deleted and moved-away content, keep inserted and moved-to content."""
    merged_marks: list[etree._Element] = []
    for el in list(root.iter(_w("del"), _w("moveFrom"))):
        parent = el.getparent()
        if parent is None:
            continue
        ctx.events["wijzigingen"] += 1
        if parent.tag == W_TRPR:  # a deleted table row
            _remove(parent.getparent())
        elif parent.tag == W_RPR:  # a deleted paragraph mark
            merged_marks.append(parent.getparent())
            parent.remove(el)
        else:
            parent.remove(el)
    for el in list(root.iter(_w("ins"), _w("moveTo"))):
        parent = el.getparent()
        if parent is None:
            continue
        ctx.events["wijzigingen"] += 1
        if parent.tag in (W_RPR, W_TRPR):
            parent.remove(el)
        else:
            _unwrap(el)
    for el in list(root.iter(*_REVISION_PROPS)):
        ctx.events["wijzigingen"] += 1
        _remove(el)
    for ppr in merged_marks:
        _drop_emptied_paragraph(ppr.getparent() if ppr is not None else None)


def _drop_emptied_paragraph(paragraph: etree._Element | None) -> None:
    """Accepting a deleted paragraph mark merges paragraphs; an emptied one just goes."""
    if paragraph is None or paragraph.tag != W_P or paragraph.getparent() is None:
        return
    has_content = any(True for _ in paragraph.iter(W_T, _w("drawing"), _w("pict"),
                                                  _w("object"), _w("sectPr")))
    if not has_content and paragraph.getnext() is not None:
        _remove(paragraph)


def _unwrap_all(root: etree._Element, localnames: Iterable[str]) -> None:
    """Content controls, smart tags and custom XML wrappers carry tags, aliases,
    placeholders and data bindings; the content stays, the wrapper goes."""
    for name in localnames:
        for el in list(root.iter(_w(name))):
            if el.getparent() is None:
                continue
            content = el.find(_w("sdtContent")) if name == "sdt" else el
            if content is None:
                _remove(el)
                continue
            for props in el.findall(_w(f"{name}Pr")) + el.findall(_w("sdtEndPr")):
                el.remove(props)
            if content is not el:
                _unwrap(content)
            _unwrap(el)


@dataclass
class _Field:
    begin: etree._Element
    instruction: list[str] = field(default_factory=list)
    inner: list[etree._Element] = field(default_factory=list)  # elements before separate
    separate: etree._Element | None = None


def _freeze_fields(root: etree._Element, ctx: _Context) -> None:
    """Replace fields that fetch names, file names or remote content by their result."""
    stack: list[_Field] = []
    for el in list(root.iter(W_FLDCHAR, W_INSTR, W_T)):
        # Everything inside an instruction (nested fields included) belongs to every
        # enclosing field still reading its instruction: freezing one removes it all.
        for frame in stack:
            if frame.separate is None:
                frame.inner.append(el)
        kind = el.get(W_FLDTYPE) if el.tag == W_FLDCHAR else None
        if el.tag == W_INSTR and stack and stack[-1].separate is None:
            stack[-1].instruction.append(el.text or "")
        if kind == "begin":
            stack.append(_Field(el))
        elif kind == "separate" and stack:
            stack[-1].separate = el
        elif kind == "end" and stack:
            frame = stack.pop()
            if not _field_is_safe("".join(frame.instruction)):
                ctx.events["velden"] += 1
                for item in [frame.begin, *frame.inner, frame.separate, el]:
                    _remove(item)
    for simple in list(root.iter(W_FLDSIMPLE)):
        if not _field_is_safe(simple.get(W_INSTR_ATTR) or ""):
            ctx.events["velden"] += 1
            _unwrap(simple)
        else:
            simple.set(W_INSTR_ATTR, ctx.scrub(simple.get(W_INSTR_ATTR) or ""))


def _field_is_safe(instruction: str) -> bool:
    words = instruction.split()
    if not words:
        return True
    keyword = words[0].upper()
    if keyword.startswith("="):
        keyword = "="
    return keyword in _SAFE_FIELDS and "mailto:" not in instruction.lower()


def _strip_person_attributes(root: etree._Element) -> None:
    for el in list(root.iter(_w("rsid"))):  # editing-session ids kept in styles
        _remove(el)
    for el in root.iter():
        attrib = el.attrib
        if attrib:
            for attr in [a for a in attrib if _attribute_kind(a) == _PERSON]:
                del attrib[attr]


_PERSON, _TEXT, _OTHER = 1, 2, 0


@cache
def _attribute_kind(attr: str) -> int:
    """An attribute by its (namespaced) name: one that names a person or an editing
    session (removed), one that holds text (scrubbed), or neither. A part can hold tens of
    thousands of elements (styles, numbering) with a few dozen attribute names: each name
    is looked at once."""
    local = attr.rsplit("}", 1)[-1]
    if local in _PERSON_ATTR_LOCALNAMES or local.startswith("rsid"):
        return _PERSON
    return _TEXT if local in _TEXT_ATTR_LOCALNAMES else _OTHER


# --- paragraph text ------------------------------------------------------------------


@dataclass
class _Segment:
    element: etree._Element
    text: str
    editable: bool  # a text node (w:t) rather than a tab or break element


def _paragraphs(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(W_P, A_P))


def _segments(paragraph: etree._Element, text_tags: set[str],
              with_chars: bool) -> list[_Segment]:
    """The paragraph's text pieces in reading order, without nested paragraphs."""
    out: list[_Segment] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _STOP_TAGS:
                continue
            if tag in text_tags:
                out.append(_Segment(child, child.text or "", True))
            elif with_chars and tag in _CHAR_TAGS:
                out.append(_Segment(child, _CHAR_TAGS[tag], False))
            else:
                walk(child)

    walk(paragraph)
    return out


def _scrub_paragraph(paragraph: etree._Element, ctx: _Context) -> None:
    # Visible text and field instructions are separate streams: a name must not be
    # matched across the boundary between a field code and the text around it.
    _scrub_segments(_segments(paragraph, {W_T, M_T, A_T}, True), ctx)
    _scrub_segments(_segments(paragraph, {W_INSTR}, False), ctx)


def _scrub_segments(segments: list[_Segment], ctx: _Context) -> None:
    text = "".join(s.text for s in segments)
    hits = ctx.hits(text)
    if not hits:
        return
    editable = bytearray()
    for seg in segments:
        editable += (b"\x01" if seg.editable else b"\x00") * len(seg.text)
    deleted = bytearray(len(text))
    labels: dict[int, str] = {}
    for hit in hits:
        ctx.counts[hit.categorie] += 1
        deleted[hit.start: hit.end] = b"\x01" * (hit.end - hit.start)
        # The label goes where the hit starts, in the first run that holds its text,
        # so that run's formatting carries the label.
        anchor = next((i for i in range(hit.start, hit.end) if editable[i]), None)
        if anchor is not None:
            labels[anchor] = hit.label
    _apply_edits(segments, deleted, labels)


def _apply_edits(segments: list[_Segment], deleted: bytearray, labels: dict[int, str]) -> None:
    pos = 0
    for seg in segments:
        span = range(pos, pos + len(seg.text))
        pos += len(seg.text)
        if not any(deleted[i] for i in span):
            continue
        if not seg.editable:
            _remove(seg.element)
            continue
        pieces = [labels.get(i, "") + ("" if deleted[i] else ch) for i, ch in zip(span, seg.text,
                                                                                  strict=True)]
        seg.element.text = "".join(pieces)
        if seg.element.tag in (W_T, W_INSTR):
            seg.element.set(XML_SPACE, "preserve")


def _merge_hits(hits: list[Hit], length: int) -> list[Hit]:
    """Sorted, clamped, non-overlapping hits; overlapping ones keep the first label."""
    merged: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        start, end = max(0, hit.start), min(length, hit.end)
        if end <= start:
            continue
        if merged and start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Hit(last.start, max(last.end, end), last.categorie, last.label)
        else:
            merged.append(Hit(start, end, hit.categorie, hit.label))
    return merged


def _scrub_attributes(root: etree._Element, ctx: _Context) -> None:
    renamed: dict[str, str] = {}
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        attrib = el.attrib
        if not attrib:
            continue
        local = tag[tag.rfind("}") + 1:]
        if local in ("docPr", "cNvPr") and attrib.get("name"):
            el.set("name", f"Object {el.get('id') or ''}".strip())  # often a file name
        for attr, value in [(a, v) for a, v in attrib.items() if v and _attribute_kind(a) == _TEXT]:
            el.set(attr, ctx.scrub(value))
        if local == "bookmarkStart":
            _rename_bookmark(el, ctx, renamed)
    for el in root.iter(_w("ffData")):
        for item in el.iter():
            if item.get(_w("val")):
                item.set(_w("val"), ctx.scrub(item.get(_w("val")) or ""))
    for link in root.iter(W_HYPERLINK):
        anchor = link.get(_w("anchor"))
        if anchor in renamed:
            link.set(_w("anchor"), renamed[anchor])


def _rename_bookmark(el: etree._Element, ctx: _Context, renamed: dict[str, str]) -> None:
    # Bookmark names become PDF destinations; a name in one gets a neutral name.
    name = el.get(_w("name")) or ""
    if name and ctx.hits(name.replace("_", " ")):
        ctx.counts[ctx.hits(name.replace("_", " "))[0].categorie] += 1
        renamed[name] = f"anon_{len(renamed) + 1}"
        el.set(_w("name"), renamed[name])


def _sweep_text_leaves(root: etree._Element, ctx: _Context) -> None:
    """Safety net: every text node on its own, for text outside any paragraph."""
    for el in root.iter(W_T, W_INSTR, M_T, A_T, C_V):
        if el.text:
            el.text = ctx.scrub(el.text)


# --- images --------------------------------------------------------------------------


def _strip_image_metadata(pkg: _Package, ctx: _Context) -> None:
    for name, data in list(pkg.parts.items()):
        cleaned = _clean_image(data)
        if cleaned is None:
            continue
        if cleaned != data:
            ctx.events["afbeeldingen"] += 1
            pkg.parts[name] = cleaned


def _clean_image(data: bytes) -> bytes | None:
    """Image bytes without metadata; None when `data` is not a JPEG, PNG or TIFF."""
    if data.startswith(b"\xff\xd8\xff"):
        return _clean_jpeg(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _strip_png_chunks(data) or _reencode(data, "PNG")
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return _reencode(data, "TIFF")
    return None


def _clean_jpeg(data: bytes) -> bytes:
    if _jpeg_orientation(data) not in (None, 1):
        # Dropping EXIF would turn the picture; bake the orientation into the pixels.
        return _reencode(data, "JPEG", transpose=True)
    return _strip_jpeg_segments(data) or _reencode(data, "JPEG")


def _jpeg_orientation(data: bytes) -> int | None:
    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.getexif().get(0x0112)
    except Exception:
        return None


def _keep_jpeg_segment(marker: int, payload: bytes) -> bool:
    if marker == 0xFE:  # COM
        return False
    if 0xE0 <= marker <= 0xEF:
        # Keep only what rendering needs: JFIF header, ICC colour profile, Adobe marker.
        return ((marker == 0xE0 and payload.startswith(b"JFIF\x00"))
                or (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"))
                or (marker == 0xEE and payload.startswith(b"Adobe")))
    return True


def _strip_jpeg_segments(data: bytes) -> bytes | None:
    """Remove EXIF, XMP, IPTC and comment segments without re-encoding."""
    out = bytearray(data[:2])
    i = 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            out += data[i: i + 2]
            i += 2
            continue
        if marker in (0xDA, 0xD9):  # start of scan / end: the rest is image data
            return bytes(out + data[i:])
        length = int.from_bytes(data[i + 2: i + 4], "big")
        if length < 2 or i + 2 + length > len(data):
            return None
        if _keep_jpeg_segment(marker, data[i + 4: i + 2 + length]):
            out += data[i: i + 2 + length]
        i += 2 + length
    return None


_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def _strip_png_chunks(data: bytes) -> bytes | None:
    out = bytearray(data[:8])
    i = 8
    while i + 12 <= len(data):
        length = int.from_bytes(data[i: i + 4], "big")
        kind = data[i + 4: i + 8]
        end = i + 12 + length
        if end > len(data):
            return None
        if kind not in _PNG_DROP:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            return bytes(out)
    return None


def _reencode(data: bytes, fmt: str, *, transpose: bool = False) -> bytes:
    """Last resort: decode and re-encode without any metadata. An image that cannot
    be decoded is replaced by a blank one rather than passed on unchecked."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            clean = ImageOps.exif_transpose(img) if transpose else img.copy()
            icc = img.info.get("icc_profile")
    except Exception:
        clean, icc = Image.new("RGB", (1, 1), "white"), None
    clean.info = {}
    if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 95} if fmt == "JPEG" else {}
    if icc:
        options["icc_profile"] = icc
    clean.save(out, format=fmt, **options)
    return out.getvalue()


# --- helpers -------------------------------------------------------------------------


def _remove(el: etree._Element | None) -> None:
    if el is not None and el.getparent() is not None:
        el.getparent().remove(el)


def _unwrap(el: etree._Element) -> None:
    """Replace an element by its children, in place."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for child in list(el):
        parent.insert(index, child)
        index += 1
    parent.remove(el)


def _meldingen(ctx: _Context) -> list[Melding]:
    ev = ctx.events
    out: list[tuple[str, str, Niveau]] = []
    if ev["opmerkingen"] or ev["opmerkingen_gevonden"]:
        out.append(("DOCX_OPMERKINGEN", "opmerkingen verwijderd", "waarschuwing"))
    if ev["wijzigingen"]:
        out.append(("DOCX_WIJZIGINGEN", "wijzigingen bijhouden: verwijderde tekst weggelaten, "
                    "invoegingen aanvaard", "waarschuwing"))
    if ev["eigenschappen"]:
        out.append(("DOCX_EIGENSCHAPPEN", "documenteigenschappen gewist", "info"))
    if ev["koppelingen"]:
        out.append(("DOCX_KOPPELINGEN", "koppelingen met persoonsgegevens (zoals e-mailadressen)"
                    " verwijderd; de tekst is gebleven", "info"))
    if ev["velden"]:
        out.append(("DOCX_VELDEN", "velden die namen of bestanden ophalen zijn vervangen door "
                    "hun laatst getoonde tekst", "info"))
    if ev["verborgen"]:
        out.append(("DOCX_VERBORGEN", "verborgen gegevens verwijderd (bouwstenen, gekoppelde "
                    "XML-gegevens, sjabloon)", "info"))
    if ev["afbeeldingen"]:
        out.append(("DOCX_AFBEELDINGSGEGEVENS", "metagegevens (EXIF/XMP) uit afbeeldingen "
                    "verwijderd", "info"))
    return [Melding(code=code, tekst=tekst, niveau=niveau, bestand=ctx.bestand)
            for code, tekst, niveau in out]
