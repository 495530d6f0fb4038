"""Normalise a DOCX package so later steps can trust its shape.

Refuses what is unsafe (ZIP bombs, odd entry names, DTDs in any XML part, macros)
and repairs what is merely unusual, each repair a named Melding: Strict namespaces
become transitional ones, the main part is renamed to word/document.xml, dangling
and external relationships and embedded OLE objects are removed, and parts no
relationship reaches are dropped (they are invisible, yet may hold personal data).
The result is a freshly written ZIP; nothing of the original container survives.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from dossier_app.documents.limits import DEFAULT_LIMITS, Limits, describe_bytes
from dossier_app.errors import DocumentError
from dossier_app.meldingen import Melding, Niveau

CT_NAME = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
MAIN_NAME = "word/document.xml"

NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_O = "urn:schemas-microsoft-com:office:office"
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"

REL_OFFICE_DOCUMENT = f"{NS_REL}/officeDocument"
REL_IMAGE = f"{NS_REL}/image"
REL_HYPERLINK = f"{NS_REL}/hyperlink"
REL_TEMPLATE = f"{NS_REL}/attachedTemplate"
# Embedded objects: OLE binaries, embedded packages (also a chart's workbook)
# and ActiveX controls. Their content is not rendered and can hold anything.
_EMBEDDED_TYPES = {
    f"{NS_REL}/oleObject",
    f"{NS_REL}/package",
    f"{NS_REL}/control",
    "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary",
}

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

# Elements that exist only to point at a relationship: when the relationship
# goes, the element goes (a bare <o:OLEObject/> or <w:attachedTemplate/> would
# make Word report unreadable content).
_REMOVE_WITH_REFERENCE = {
    f"{{{NS_O}}}OLEObject",
    f"{{{NS_W}}}control",
    f"{{{NS_W}}}objectEmbed",
    f"{{{NS_W}}}objectLink",
    f"{{{NS_W}}}attachedTemplate",
    f"{{{NS_W}}}subDoc",
    f"{{{NS_W}}}sourceFileName",
    f"{{{NS_W}}}altChunk",
    f"{{{NS_C}}}externalData",
}

# ISO/IEC 29500 Strict uses purl.oclc.org namespaces; everything downstream
# (python-docx, converters) knows only the transitional ones. The pattern is
# ooxml/<area>/<name> -> <area>/2006/<name>, except two renamed names.
_STRICT_SPECIAL = [
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
     f"{NS_REL}/extended-properties".encode()),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties",
     f"{NS_REL}/custom-properties".encode()),
    (b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/customProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
]
_STRICT_GENERIC = re.compile(rb"http://purl\.oclc\.org/ooxml/([A-Za-z]+)/([A-Za-z]+)")
_STRICT_CONFORMANCE = re.compile(rb"\s[A-Za-z_][\w.-]*:conformance=\"strict\"")
_RELS_NAME = re.compile(r"^(?:(.*)/)?_rels/([^/]*)\.rels$")
_XML_EXTENSIONS = (".xml", ".rels", ".vml")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_BOMLESS = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
            (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))


# --- messages -------------------------------------------------------------------

def damaged_error(bestand: str) -> DocumentError:
    return DocumentError(
        f"'{bestand}' is beschadigd of onvolledig en kan niet als Word-document worden "
        "gelezen. Vraag de afzender om het bestand opnieuw te sturen, of open het in Word "
        "en kies Opslaan als > Word-document (.docx) of PDF.",
        bestand=bestand, code="DOCX_BESCHADIGD")


def _unsafe_zip(bestand: str, reden: str) -> DocumentError:
    return DocumentError(
        f"'{bestand}' is niet veilig te openen: {reden}. Open het in Word en kies Opslaan "
        "als > Word-document (.docx) of PDF, of vraag de afzender om een PDF.",
        bestand=bestand, code="DOCX_ONVEILIG")


def _unsafe_xml(bestand: str, part: str) -> DocumentError:
    return DocumentError(
        f"'{bestand}': het bestand bevat onveilige XML (een DOCTYPE- of ENTITY-verklaring "
        f"in {part}, waarmee gegevens opgehaald of het programma vastgezet kunnen worden). "
        "Open het in Word en kies Opslaan als > Word-document (.docx) of PDF, of vraag de "
        "afzender om een nieuwe versie.",
        bestand=bestand, code="DOCX_ONVEILIGE_XML")


def macro_error(bestand: str) -> DocumentError:
    return DocumentError(
        f"'{bestand}' is een Word-document met macro's. Macro's worden niet verwerkt: open "
        "het in Word en sla het op als gewoon Word-document (.docx) zonder macro's, of als "
        "PDF, en voeg die versie toe.",
        bestand=bestand, code="WORD_MACRO")


def _wrong_type(bestand: str) -> DocumentError:
    return DocumentError(
        f"'{bestand}' is geen Word-document (het is een ander Office-bestand). Sla het op "
        "als PDF (Bestand > Opslaan als > PDF) en voeg de PDF toe.",
        bestand=bestand, code="TYPE_VERKEERD")


# --- reading --------------------------------------------------------------------

def _check_entries(infos: list[zipfile.ZipInfo], bestand: str, limits: Limits) -> None:
    if len(infos) > limits.max_zip_entries:
        raise _unsafe_zip(bestand, f"het bevat {len(infos)} onderdelen (meer dan "
                                   f"{limits.max_zip_entries})")
    total = sum(info.file_size for info in infos)
    if total > limits.max_zip_uncompressed:
        raise _unsafe_zip(bestand, f"uitgepakt zou het {describe_bytes(total)} zijn (meer "
                                   f"dan {describe_bytes(limits.max_zip_uncompressed)})")
    seen: set[str] = set()
    for info in infos:
        _check_entry(info, bestand, limits)
        if info.filename.lower() in seen:
            raise _unsafe_zip(bestand, f"het onderdeel {info.filename} komt twee keer voor")
        seen.add(info.filename.lower())


def _check_entry(info: zipfile.ZipInfo, bestand: str, limits: Limits) -> None:
    name = info.filename
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ":" in name or "\x00" in name or ".." in parts:
        raise _unsafe_zip(bestand, f"het bevat een onderdeel met een ongeldige naam ({name!r})")
    if info.flag_bits & 0x1:
        raise _unsafe_zip(bestand, "het ZIP-archief is zelf met een wachtwoord versleuteld")
    if info.file_size > limits.zip_ratio_floor:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            raise _unsafe_zip(bestand, f"het onderdeel {name} is {round(ratio)} keer "
                                       "samengeperst (een 'ZIP-bom')")


def read_parts(source: Path, bestand: str, limits: Limits) -> dict[str, bytes]:
    """All file entries of the ZIP by name, after the bomb and name checks."""
    try:
        with zipfile.ZipFile(source) as zf:
            infos = [info for info in zf.infolist() if not info.is_dir()]
            _check_entries(infos, bestand, limits)
            # ZipExtFile stops at the declared size and checks the CRC, so the
            # checked sizes bound what is read here.
            return {info.filename: zf.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            NotImplementedError, ValueError, RuntimeError) as exc:
        raise damaged_error(bestand) from exc


def _looks_like_xml(name: str, data: bytes) -> bool:
    if name.lower().endswith(_XML_EXTENSIONS):
        return True
    head = data[:8].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t")
    return head.startswith(b"<")


def _text_head(data: bytes) -> str:
    """The start of an XML part as text, honouring UTF-16/32 so that a DOCTYPE
    cannot hide behind an encoding."""
    head = data[:65536]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    for start, codec in _BOMLESS:
        if head.startswith(start):
            return head.decode(codec, errors="replace")
    return head.decode("latin-1")  # every other encoding spells markup in ASCII


def _safe_parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def parse_xml(data: bytes, part: str, bestand: str) -> etree._Element:
    """Parse one XML part; refuse any DTD, whatever the parser would do with it."""
    text = _text_head(data)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise _unsafe_xml(bestand, part)
    try:
        root = etree.fromstring(data, _safe_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise damaged_error(bestand) from exc
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise _unsafe_xml(bestand, part)
    return root


def check_xml_parts(parts: dict[str, bytes], bestand: str) -> None:
    for name, data in parts.items():
        if _looks_like_xml(name, data):
            parse_xml(data, name, bestand)


# --- the package model ----------------------------------------------------------

@dataclass
class Package:
    bestand: str
    parts: dict[str, bytes]
    types: etree._Element
    rels: dict[str, etree._Element]  # rels part name -> <Relationships>
    edited: dict[str, etree._Element] = field(default_factory=dict)
    meldingen: list[Melding] = field(default_factory=list)

    def find(self, name: str | None) -> str | None:
        """The stored part name for `name`: OPC names are case-insensitive URIs."""
        if name is None:
            return None
        if name in self.parts:
            return name
        wanted = {name.lower(), unquote(name).lower()}
        return next((n for n in self.parts if n.lower() in wanted), None)

    def tree(self, name: str) -> etree._Element:
        if name not in self.edited:
            self.edited[name] = parse_xml(self.parts[name], name, self.bestand)
        return self.edited[name]

    def warn(self, code: str, tekst: str, niveau: Niveau = "waarschuwing") -> None:
        self.meldingen.append(Melding(code=code, tekst=tekst, niveau=niveau,
                                      bestand=self.bestand))


def rels_name_for(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def source_of(rels_name: str) -> str | None:
    match = _RELS_NAME.match(rels_name)
    if not match:
        return None
    folder, base = match.group(1) or "", match.group(2)
    return posixpath.join(folder, base) if base else ""


def resolve(source: str, target: str) -> str | None:
    """Absolute part name of an internal target, or None if it leaves the package."""
    target = target.split("#", 1)[0]
    if not target:
        return None
    joined = target[1:] if target.startswith("/") else posixpath.join(
        posixpath.dirname(source), target)
    path = posixpath.normpath(joined)
    if path in (".", "..") or path.startswith("../"):
        return None
    return path


def _relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def _is_external(rel: etree._Element) -> bool:
    return (rel.get("TargetMode") or "").lower() == "external"


def relationships(pkg: Package) -> Iterator[tuple[str, str, etree._Element]]:
    """(rels part, source part, Relationship) for every relationship, safe to remove."""
    for rels_name, root in list(pkg.rels.items()):
        source = source_of(rels_name)
        if source is None or rels_name not in pkg.rels:
            continue
        for rel in list(root.iter(f"{{{NS_PKG_REL}}}Relationship")):
            yield rels_name, source, rel


def load_package(parts: dict[str, bytes], bestand: str) -> Package:
    if CT_NAME not in parts or ROOT_RELS not in parts:
        raise damaged_error(bestand)
    types = parse_xml(parts[CT_NAME], CT_NAME, bestand)
    rels = {name: parse_xml(data, name, bestand)
            for name, data in parts.items() if _RELS_NAME.match(name)}
    return Package(bestand=bestand, parts=parts, types=types, rels=rels)


def content_type(pkg: Package, part: str) -> str:
    wanted = "/" + part.lower()
    for override in pkg.types.iter(f"{{{NS_CT}}}Override"):
        if (override.get("PartName") or "").lower() == wanted:
            return override.get("ContentType") or ""
    ext = posixpath.splitext(part)[1].lstrip(".").lower()
    for default in pkg.types.iter(f"{{{NS_CT}}}Default"):
        if (default.get("Extension") or "").lower() == ext:
            return default.get("ContentType") or ""
    return ""


# --- steps ----------------------------------------------------------------------

def convert_strict(parts: dict[str, bytes]) -> bool:
    """Rewrite Strict namespaces to transitional ones in every UTF-8 XML part."""
    changed = False
    for name, original in parts.items():
        if b"http://purl.oclc.org/ooxml/" not in original or not _looks_like_xml(name, original):
            continue
        data = original
        for strict, transitional in _STRICT_SPECIAL:
            data = data.replace(strict, transitional)
        data = _STRICT_GENERIC.sub(rb"http://schemas.openxmlformats.org/\1/2006/\2", data)
        parts[name] = _STRICT_CONFORMANCE.sub(b"", data)
        changed = True
    return changed


def refuse_macros(pkg: Package) -> None:
    if any(name.lower().endswith("vbaproject.bin") for name in pkg.parts):
        raise macro_error(pkg.bestand)
    for element in pkg.types.iter(f"{{{NS_CT}}}Default", f"{{{NS_CT}}}Override"):
        ctype = element.get("ContentType") or ""
        if "vbaProject" in ctype or "ms-word.document.macroEnabled" in ctype:
            raise macro_error(pkg.bestand)


def main_part(pkg: Package) -> str:
    """The officeDocument target of _rels/.rels, which may have any name."""
    for _rels, _source, rel in relationships(pkg):
        if _rels == ROOT_RELS and rel.get("Type") == REL_OFFICE_DOCUMENT \
                and not _is_external(rel):
            found = pkg.find(resolve("", rel.get("Target") or ""))
            if found:
                return found
    raise damaged_error(pkg.bestand)


def check_main_part(pkg: Package, main: str) -> None:
    ctype = content_type(pkg, main)
    if "macroEnabled" in ctype:
        raise macro_error(pkg.bestand)
    if ctype not in (CT_MAIN, CT_TEMPLATE):
        raise _wrong_type(pkg.bestand)
    if pkg.tree(main).tag != f"{{{NS_W}}}document":
        raise damaged_error(pkg.bestand)


def set_main_content_type(pkg: Package, main: str) -> None:
    """A template (.dotx) becomes a document, and the main part gets an Override."""
    wanted = "/" + main.lower()
    for override in pkg.types.iter(f"{{{NS_CT}}}Override"):
        if (override.get("PartName") or "").lower() == wanted:
            override.set("ContentType", CT_MAIN)
            return
    etree.SubElement(pkg.types, f"{{{NS_CT}}}Override", PartName="/" + main,
                     ContentType=CT_MAIN)


def remove_relationship(pkg: Package, source: str, rel: etree._Element) -> None:
    """Drop one relationship and whatever in its source part points at it."""
    rid = rel.get("Id")
    parent = rel.getparent()
    if parent is not None:
        parent.remove(rel)
    found = pkg.find(source) if source else None
    if rid and found and _looks_like_xml(found, pkg.parts[found]):
        _strip_references(pkg.tree(found), rid)


def _strip_references(root: etree._Element, rid: str) -> None:
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for attr, value in list(element.attrib.items()):
            if value != rid or not attr.startswith((f"{{{NS_REL}}}", f"{{{NS_O}}}")):
                continue
            parent = element.getparent()
            if element.tag in _REMOVE_WITH_REFERENCE and parent is not None:
                parent.remove(element)
                break
            del element.attrib[attr]


def drop_dangling(pkg: Package) -> None:
    missing: list[str] = []
    for _rels, source, rel in relationships(pkg):
        if _is_external(rel):
            continue
        target = resolve(source, rel.get("Target") or "")
        if pkg.find(target) is None:
            missing.append(target or rel.get("Target") or "?")
            remove_relationship(pkg, source, rel)
    if missing:
        pkg.warn("DOCX_KOPPELING_ONTBREEKT",
                 f"{len(missing)} verwijzing(en) naar ontbrekende onderdelen verwijderd (bijv. "
                 f"{missing[0]}). Controleer in het resultaat of er geen afbeelding of tekst "
                 "ontbreekt; vraag anders de afzender om een nieuwe versie.")


def drop_embedded_objects(pkg: Package) -> None:
    dropped = 0
    for _rels, source, rel in relationships(pkg):
        if rel.get("Type") not in _EMBEDDED_TYPES or _is_external(rel):
            continue
        target = pkg.find(resolve(source, rel.get("Target") or ""))
        remove_relationship(pkg, source, rel)
        if target:
            _delete_part(pkg, target)
            dropped += 1
    if dropped:
        pkg.warn("DOCX_OLE_VERWIJDERD",
                 f"ingesloten objecten (bijv. Excel) niet opgenomen: {dropped} object(en) "
                 "verwijderd; alleen hun voorbeeldafbeelding blijft zichtbaar. Voeg de inhoud "
                 "als apart bestand (PDF) toe als die nodig is.")


def _delete_part(pkg: Package, name: str) -> None:
    pkg.parts.pop(name, None)
    pkg.edited.pop(name, None)
    rels_name = rels_name_for(name)
    pkg.parts.pop(rels_name, None)
    pkg.rels.pop(rels_name, None)


def drop_external_links(pkg: Package) -> None:
    images = others = templates = 0
    for _rels, source, rel in relationships(pkg):
        kind = rel.get("Type")
        if not _is_external(rel) or kind == REL_HYPERLINK:
            continue  # hyperlinks stay: they are text, and nothing here follows them
        remove_relationship(pkg, source, rel)
        if kind == REL_IMAGE:
            images += 1
        elif kind == REL_TEMPLATE:
            templates += 1
        else:
            others += 1
    _warn_external(pkg, images, others, templates)


def _warn_external(pkg: Package, images: int, others: int, templates: int) -> None:
    if images:
        pkg.warn("DOCX_GEKOPPELDE_AFBEELDING",
                 f"gekoppelde afbeelding niet opgenomen: {images} afbeelding(en) stond(en) niet "
                 "in het document zelf maar buiten het bestand. Voeg de afbeelding in Word in "
                 "met Invoegen > Afbeelding als die nodig is.")
    if others:
        pkg.warn("DOCX_EXTERNE_KOPPELING",
                 f"{others} koppeling(en) naar bestanden buiten het document verwijderd "
                 "(bijv. een gekoppeld object of subdocument); die worden nooit opgehaald. "
                 "Controleer in het resultaat of er niets ontbreekt.")
    if templates:
        # Word fetches an external template when it opens the file (a known
        # attack); the styles used are stored in the document itself.
        pkg.warn("DOCX_SJABLOON_ONTKOPPELD",
                 "de koppeling naar een extern Word-sjabloon is verwijderd; de opmaak van "
                 "het document blijft gelijk. U hoeft niets te doen.", niveau="info")


def rename_part(pkg: Package, old: str, new: str) -> None:
    """Move a part and keep every relationship to and from it valid."""
    if old == new:
        return
    clash = pkg.find(new)
    if clash:
        rename_part(pkg, clash, _free_name(pkg, new))
    for _rels, source, rel in relationships(pkg):
        if not _is_external(rel) and pkg.find(resolve(source, rel.get("Target") or "")) == old:
            rel.set("Target", _relative(source, new))
    _move_own_relationships(pkg, old, new)
    pkg.parts[new] = pkg.parts.pop(old)
    if old in pkg.edited:
        pkg.edited[new] = pkg.edited.pop(old)
    wanted = "/" + old.lower()
    for override in pkg.types.iter(f"{{{NS_CT}}}Override"):
        if (override.get("PartName") or "").lower() == wanted:
            override.set("PartName", "/" + new)


def _move_own_relationships(pkg: Package, old: str, new: str) -> None:
    old_rels, new_rels = rels_name_for(old), rels_name_for(new)
    root = pkg.rels.pop(old_rels, None)
    if root is None:
        return
    pkg.parts[new_rels] = pkg.parts.pop(old_rels)
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        if _is_external(rel):
            continue
        target = resolve(old, rel.get("Target") or "")
        if target:
            rel.set("Target", _relative(new, target))
    pkg.rels[new_rels] = root


def _free_name(pkg: Package, name: str) -> str:
    stem, ext = posixpath.splitext(name)
    number = 1
    while pkg.find(f"{stem}-{number}{ext}"):
        number += 1
    return f"{stem}-{number}{ext}"


def drop_unreachable(pkg: Package) -> None:
    """Keep only parts a chain of relationships reaches from the package root."""
    reachable = {""}
    queue = [""]
    while queue:
        source = queue.pop()
        root = pkg.rels.get(ROOT_RELS if source == "" else rels_name_for(source))
        if root is None:
            continue
        for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
            target = None if _is_external(rel) else pkg.find(
                resolve(source, rel.get("Target") or ""))
            if target and target not in reachable:
                reachable.add(target)
                queue.append(target)
    for name in list(pkg.parts):
        rels_source = source_of(name)
        keep = name == CT_NAME or name in reachable or rels_source in reachable
        if not keep:
            _delete_part(pkg, name)


def prune_content_types(pkg: Package) -> None:
    present = {name.lower() for name in pkg.parts}
    for override in list(pkg.types.iter(f"{{{NS_CT}}}Override")):
        if (override.get("PartName") or "").lstrip("/").lower() not in present:
            pkg.types.remove(override)


# --- writing --------------------------------------------------------------------

def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_package(pkg: Package, target: Path) -> None:
    """A fresh ZIP: content types first, fixed timestamps, nothing else carried over."""
    data = dict(pkg.parts)
    data.update({name: _serialise(root) for name, root in pkg.rels.items()})
    data.update({name: _serialise(root) for name, root in pkg.edited.items()})
    data[CT_NAME] = _serialise(pkg.types)
    order = [CT_NAME, *(name for name in data if name != CT_NAME)]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data[name])


# --- the whole step -------------------------------------------------------------

def normalise_docx(source: Path, target: Path, *, bestand: str,
                   limits: Limits = DEFAULT_LIMITS) -> list[Melding]:
    """Check and normalise the DOCX at `source`, write it to `target`; the repairs made."""
    parts = read_parts(source, bestand, limits)
    check_xml_parts(parts, bestand)
    strict = convert_strict(parts)
    pkg = load_package(parts, bestand)
    if strict:
        pkg.warn("DOCX_STRIKT_OMGEZET",
                 "het document was opgeslagen als 'Strict Open XML' en is omgezet naar het "
                 "gewone Word-formaat. Controleer de opmaak in het resultaat; sla het anders in "
                 "Word op als Word-document (.docx) en voeg die versie toe.")
    refuse_macros(pkg)
    main = main_part(pkg)
    check_main_part(pkg, main)
    drop_dangling(pkg)
    drop_embedded_objects(pkg)
    drop_external_links(pkg)
    rename_part(pkg, main, MAIN_NAME)
    set_main_content_type(pkg, MAIN_NAME)
    drop_unreachable(pkg)
    prune_content_types(pkg)
    write_package(pkg, target)
    return pkg.meldingen
