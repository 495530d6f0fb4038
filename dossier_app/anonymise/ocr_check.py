"""Reading image pages again: is a known identifier still readable after redaction?

Tesseract does not return a word that touches a dark region: on a scanned form whose
surname was blacked out, the first name just before the box stays readable to a person
and invisible to the first OCR pass. So a page that is an image is read again after its
regions are burnt in: rendered at 300 dpi, with every black box painted white (the
regions the redactor drew when they are known, else every solid dark rectangle found in
the pixels), in more than one page-segmentation mode. The pipeline boxes what is still
readable and burns again (`recheck_rounds`); the gate reads every image page of the final
file this way and refuses it when a known identifier is readable.

In a bundle the gate reads each image page beneath its footer stamp (`lift_stamp`): the
stamp is text, which the text engines check, and the pixels beneath it are then exactly
those the document's own gate read in "Alles voorbereiden", so Tesseract's answer for
them is found in the memo instead of read again.

Handwriting and bad scans are not read: those pages stay a warning for the user to look
at. Without Tesseract (with Dutch data) nothing here runs and the warning stays as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import PIL
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw, ImageFilter

from dossier_app.anonymise import ocr_builtin
from dossier_app.anonymise.hits import Finder
from dossier_app.anonymise.ocr import (
    TIMEOUT_S,
    _hit_boxes,
    _to_points,
    _tsv_words,
    _Word,
    _words_reader,
    page_hits,
    render_page,
    seam_word_hits,
    tesseract_command,
)
from dossier_app.anonymise.pdfium_chars import MAX_FORM_DEPTH, pdfium_identity
from dossier_app.anonymise.pictures import Picture, UnreadablePicture, pictures
from dossier_app.bundle.hashing import FileKeys
from dossier_app.case_model import Lakvlak
from dossier_app.errors import LeakError
from dossier_app.processes import NO_WINDOW, give_back_freed_memory
from dossier_app.store.memo import Memo

DPI = 300
_T = TypeVar("_T")

# 3: automatic page layout (running text); 11: sparse text, every word on its own (forms,
# where words stand between boxes and lines and layout analysis drops some).
PSM_MODES = ("3", "11")
MAX_ROUNDS = 3  # re-reads with new boxes before the page is reported as still readable
IMAGE_SHARE = 0.25  # a page is an image page when images cover this share of it
MAX_PIXELS = 9_000_000  # A4 at 300 dpi is 8.7 million; a bigger page is read at a lower dpi
_DARK = 64  # grey value below which a pixel counts as black (JPEG blurs the burnt boxes)
_SOLID_PX = 12  # a black area at least this thick is a box, never a stroke of text
_PAD_PX = 3  # antialiased and JPEG-smeared edges around a burnt box
_MORPH_STEP = 3  # the black boxes are looked for at a third of the resolution


def image_pages(pdf_path: Path, skip: Collection[int] = ()) -> list[int]:
    """1-based numbers of the pages where images cover at least IMAGE_SHARE of the page:
    scans, photos, and pages the redactor turned into an image (in a bundle these also
    carry the footer's text, so they are not "pages without text"). `skip`: pages known
    not to be image pages (they are not loaded)."""
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        found = []
        for index in range(len(doc)):
            if index + 1 in skip:
                continue
            page = doc[index]
            try:
                if _image_share(page) >= IMAGE_SHARE:
                    found.append(index + 1)
            finally:
                page.close()
        return found
    finally:
        doc.close()


def _image_share(page: pdfium.PdfPage) -> float:
    """The share of the page that images cover: image objects, and forms that draw an
    image (a bundle draws each source page as a form), by their bounds on the page."""
    left, bottom, right, top = page.get_bbox()
    area = max((right - left) * (top - bottom), 1.0)
    covered = 0.0
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if _draws_image(obj, 0):
            x0, y0, x1, y1 = _bounds(obj)
            covered += max(0.0, min(x1, right) - max(x0, left)) * max(0.0, min(y1, top) - max(y0, bottom))
    return covered / area


def _draws_image(obj: object, depth: int) -> bool:
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return True
    if kind != pdfium_c.FPDF_PAGEOBJ_FORM or depth >= MAX_FORM_DEPTH:
        return False
    return any(_draws_image(pdfium_c.FPDFFormObj_GetObject(obj, k), depth + 1)
               for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)))


def _bounds(obj: object) -> tuple[float, float, float, float]:
    """An object's bounding box in page space."""
    box = [ctypes.c_float() for _ in range(4)]
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in box)):
        return 0.0, 0.0, 0.0, 0.0
    left, bottom, right, top = (v.value for v in box)
    return left, bottom, right, top


def readable_identifiers(pdf_path: Path, pages: Iterable[int], finder: Finder, workdir: Path,
                         boxes: dict[int, list[Lakvlak]] | None = None,
                         memo: Memo | None = None, *, at_once: bool = True) -> dict[int, list[Lakvlak]]:
    """Regions (as Lakvlak) around known identifiers Tesseract can still read on `pages`,
    with the black boxes blanked white: every solid dark rectangle found in the pixels (a
    printed black field on a form touches words the same way), as the gate blanks them,
    and then `boxes` per page (the redactor's regions, when the caller knows them; a
    region drawn thinner than a box is found in the pixels). Empty without Tesseract.

    `memo`: Tesseract's answers by the image's pixels. Where the regions were found in
    the pixels already, the image is exactly the one the gate will read, so the gate
    finds this answer for the page instead of reading it again. `at_once`: the Tesseract
    program's modes run at the same time (`_tsv_outputs`); False where other work keeps
    the other cores busy."""
    exe = _engine()
    if not exe:
        return {}
    found: dict[int, list[Lakvlak]] = {}
    for number, image, scale in _rendered(pdf_path, pages):
        blank_dark_boxes(image)
        _blank_regions(image, (boxes or {}).get(number, []), scale)
        regions = _readable(exe, image, finder, workdir / f"herlees-{number}.png", memo, at_once)
        if regions:
            found[number] = [_to_points(r, scale, number) for r in regions]
    return found


def readable_categories(pdf_path: Path, finder: Finder, workdir: Path,
                        memo: Memo | None = None, keys: FileKeys | None = None, *,
                        beneath_stamp: bool = False, identifiers_key: str = "") -> dict[int, set[str]]:
    """Per image page, the categories of the known identifiers still readable on it (for
    the gate: it knows no regions, so black boxes are found in the pixels). `memo`: what
    Tesseract read on this very page before (a rebuild after a voorblad edit reads the
    same scans again), found by the page's digest (`keys`) without rendering it, or else in an
    image with exactly these pixels; the identifiers are always searched anew. A read that
    failed or timed out raises: the page was not checked (the gate then refuses).
    `beneath_stamp`: a bundle's pages are read without the footer stamp drawn on top of
    them (`lift_stamp`). The pictures on the other pages too (`picture_categories`); with
    `identifiers_key` (the fingerprint of the identifiers `finder` knows) the memo also
    holds which pages' pictures read clean, by the page's digest: such a page was found no
    image page by this very program and PDFium (both are in the name), so it is not
    measured again."""
    pictures_known = _picture_names(memo, keys, identifiers_key)
    clean = {n for n, name in pictures_known.items() if memo and memo.get(name) == CLEAN}
    pages = image_pages(pdf_path, skip=clean)  # first: the built-in engine loads its data when asked
    exe = _engine() if pages else None
    if not exe or not pages:
        return _pictures_checked(pdf_path, finder, workdir, pages, memo, pictures_known, clean)
    names = _page_names(keys, pages, exe, memo, beneath_stamp) if memo and keys else {}
    outputs = {n: out for n in names if (out := _outputs_from(memo, names[n])) is not None}
    for number, image, _scale in _rendered(pdf_path, [n for n in pages if n not in outputs],
                                           beneath_stamp=beneath_stamp):
        blank_dark_boxes(image)
        outputs[number] = _tsv_outputs_memo(exe, image, workdir / f"poort-{number}.png", memo)
        if memo and number in names and all(outputs[number]):
            memo.put(names[number], outputs[number])
    found: dict[int, set[str]] = {}
    read: dict[int, list[list[list[_Word]]]] = {}
    for number in pages:
        if not all(outputs[number]):  # every read gives at least its page line: this one failed
            raise RuntimeError(f"tekstherkenning gaf geen antwoord op pagina {number}")
        read[number] = [_tsv_words(out) for out in outputs[number]]
        categories = _categories(read[number], finder)
        if categories:
            found[number] = categories
    for number in pages:  # two image pages in a row: what is split by the break between them
        if number + 1 in read:
            split = {hit.categorie for before in read[number] for after in read[number + 1]
                     for hit, _above, _below in seam_word_hits(before, after, finder)}
            if split:
                found.setdefault(number, set()).update(split)
    for number, categories in _pictures_checked(pdf_path, finder, workdir, pages, memo,
                                                pictures_known, clean).items():
        found.setdefault(number, set()).update(categories)
    return found


def _picture_names(memo: Memo | None, keys: FileKeys | None, identifiers_key: str) -> dict[int, str]:
    """Per page (1-based), the memo's name for "the pictures on this page read clean": by
    the page's digest, the identifiers, the engine and the program's code. Empty without a
    memo, the page digests, the identifiers' fingerprint or Tesseract."""
    exe = _engine() if memo and keys and identifiers_key else None
    if not (memo and keys and exe):
        return {}
    every = keys.memo_names(memo, "afbeeldingen-pagina", identifiers_key, engine_identity(exe),
                            *PSM_MODES, pdfium_identity(), PIL.__version__)
    return dict(enumerate(every, start=1))


def _pictures_checked(pdf_path: Path, finder: Finder, workdir: Path, image_pages: Sequence[int],
                      memo: Memo | None, names: dict[int, str], clean: set[int]) -> dict[int, set[str]]:
    """`picture_categories` on the pages that are no image pages, but not on those whose
    pictures read clean before (`clean`, by their `names` from `_picture_names`): a
    rebuild after a voorblad edit reads the voorblad's pages only. What reads clean now is
    remembered."""
    found = picture_categories(pdf_path, finder, workdir, set(image_pages) | clean, memo)
    for number, name in names.items():
        if memo and number not in clean and number not in found and number not in image_pages:
            memo.put(name, CLEAN)
    return found


# The memo's value for "read, and nothing found": for a page's pictures here, for a page's
# text in every engine in the gate (`gate._TextMemo`).
CLEAN = "schoon"


def picture_categories(pdf_path: Path, finder: Finder, workdir: Path, skip: set[int],
                       memo: Memo | None = None) -> dict[int, set[str]]:
    """Per page not in `skip` (1-based: the image pages, read whole), the categories of the
    known identifiers readable in the pictures on it (`pictures`), read in every mode; an
    image found again in the file is not read again, and `memo` holds what Tesseract read
    in exactly these pixels before. A read that failed raises, as for a page."""
    def categories(picture: Picture, image: Image.Image) -> set[str] | None:
        exe = _engine()  # found once per process: the program's path and the library are cached
        if exe is None:
            return None
        outputs = _tsv_outputs_memo(exe, image, workdir / "afbeelding.png", memo)
        if not all(outputs):
            raise RuntimeError("tekstherkenning gaf geen antwoord op een afbeelding op "
                               f"pagina {picture.page}")
        return _categories([_tsv_words(out) for out in outputs], finder)

    found: dict[int, set[str]] = {}
    try:
        for picture, read in _picture_readings(pdf_path, skip, categories):
            if read:
                found.setdefault(picture.page, set()).update(read)
    except UnreadablePicture as exc:
        raise LeakError(f"Een afbeelding op pagina {exc.page} kan niet worden gelezen en dus niet op "
                        "persoonsgegevens worden gecontroleerd. Het bestand is niet geschreven. Druk "
                        "het document opnieuw af naar PDF (bijvoorbeeld met 'Microsoft Print to "
                        "PDF') en voeg het opnieuw toe.") from exc
    return found


def picture_boxes(pdf_path: Path, finder: Finder, skip: set[int]) -> dict[int, list[Lakvlak]]:
    """Regions (as shown on the page, like a manual one) around the known identifiers
    Tesseract reads in the pictures on the pages not in `skip` (1-based: the scans, read
    whole), so that the redactor burns them in: one read, as the proposals on a scan
    (`ocr.ocr_regions`); a page that gets boxes is read again after burning, in every mode."""
    def boxes(picture: Picture, image: Image.Image) -> list[tuple[int, int, int, int]] | None:
        read = _words_reader()
        return None if read is None else _hit_boxes(read(image), finder)

    found: dict[int, list[Lakvlak]] = {}
    for picture, read in _picture_readings(pdf_path, skip, boxes):
        if read:
            found.setdefault(picture.page, []).extend(picture.box(*box) for box in read)
    return found


def _picture_readings(pdf_path: Path, skip: set[int],
                      read_one: Callable[[Picture, Image.Image], _T | None]) -> Iterator[tuple[Picture, _T]]:
    """Each picture with what `read_one` made of it: once per distinct image. Nothing
    when it finds no Tesseract (None), as for image pages: nothing is read."""
    read: dict[str, _T] = {}
    for picture, image in pictures(pdf_path, skip, decoded=read):
        if image is not None:
            result = read_one(picture, image)
            if result is None:
                return
            read[picture.key] = result
        yield picture, read[picture.key]


def _page_names(keys: FileKeys, pages: Sequence[int], exe: str, memo: Memo,
                beneath_stamp: bool = False) -> dict[int, str]:
    """Memo names for what Tesseract reads on each of `pages`, made from the page itself
    (its digest covers content, resources, boxes, rotation and annotations) and everything
    its rendering and reading depend on besides: the document's optional-content settings,
    PDFium's and Pillow's versions, the resolution, the program's code (the blanking of
    black boxes, the lifting of the stamp), whether the stamp is lifted, and the engine
    with its modes."""
    names = keys.memo_names(memo, "ocr-tsv-pagina", engine_identity(exe), *PSM_MODES, str(DPI),
                            pdfium_identity(), PIL.__version__,
                            "onder-stempel" if beneath_stamp else "hele-pagina")
    return {n: names[n - 1] for n in pages if n <= len(names)}


def _outputs_from(memo: Memo | None, name: str) -> list[str] | None:
    outputs = memo.get(name) if memo else None
    if (isinstance(outputs, list) and len(outputs) == len(PSM_MODES)
            and all(isinstance(o, str) for o in outputs)):
        return outputs
    return None


def _rendered(pdf_path: Path, pages: Iterable[int], *,
              beneath_stamp: bool = False) -> Iterator[tuple[int, Image.Image, float]]:
    """Each of `pages` (1-based) rendered for reading, with its scale (`beneath_stamp`:
    without the stamp on top, `lift_stamp`); the document and each page are closed
    again, also when the caller stops early."""
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for number in pages:
            page = doc[number - 1]
            try:
                if beneath_stamp:
                    lift_stamp(page)
                image, scale = _render(page)
            finally:
                page.close()
            yield number, image, scale
    finally:
        doc.close()


_AWAY = 1e6  # points: far beyond any page (PDF pages are at most 14,400 points wide)


def lift_stamp(page: pdfium.PdfPage) -> bool:
    """Move the footer stamp off a bundle page, in memory, before it is rendered; True
    when there was one.

    The assembly draws the stamp last, as one form of text only (the footer and CONCEPT,
    `bundle.stamp`), so it is the page's last object. Only such an object is moved: a
    form holding nothing but text (in forms of text, up to MAX_FORM_DEPTH deep). What it
    draws is text, which the gate's text engines read on every page; moving it hides
    none of the pixels beneath it (text over a scan can only cover them), and those pixels
    are then exactly the document's own, as its own gate read them. Any other last object
    (an image, a path, a form holding either) stays, and the page is read whole."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    last = pdfium_c.FPDFPage_GetObject(page, count - 1) if count > 0 else None
    if not last or pdfium_c.FPDFPageObj_GetType(last) != pdfium_c.FPDF_PAGEOBJ_FORM:
        return False
    if not _only_text(last, 0):
        return False
    # Moved far off the page rather than removed: the page keeps owning it (no object
    # changes hands or is freed by us), and nothing of it falls on the rendered page.
    pdfium_c.FPDFPageObj_Transform(last, 1, 0, 0, 1, _AWAY, _AWAY)
    return True


def _only_text(form: object, depth: int) -> bool:
    """Whether a form object draws text and nothing else (an empty one: no)."""
    count = pdfium_c.FPDFFormObj_CountObjects(form)
    if count <= 0:
        return False
    for k in range(count):
        child = pdfium_c.FPDFFormObj_GetObject(form, k)
        kind = pdfium_c.FPDFPageObj_GetType(child)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        if (kind != pdfium_c.FPDF_PAGEOBJ_FORM or depth + 1 >= MAX_FORM_DEPTH
                or not _only_text(child, depth + 1)):
            return False
    return True


def _render(page: pdfium.PdfPage) -> tuple[Image.Image, float]:
    return render_page(page, DPI, page_only=True)


def _blank_regions(image: Image.Image, regions: Sequence[Lakvlak], scale: float) -> None:
    draw = ImageDraw.Draw(image)
    for r in regions:
        draw.rectangle((r.x * scale - _PAD_PX, r.y * scale - _PAD_PX,
                        (r.x + r.breedte) * scale + _PAD_PX,
                        (r.y + r.hoogte) * scale + _PAD_PX), fill=255)


def blank_dark_boxes(image: Image.Image) -> None:
    """Paint every solid black area (thicker than any stroke of text) white, in place.

    A morphological opening of the dark pixels: erode by `_SOLID_PX` (what survives lies
    inside a black area at least that thick), grow back by as much plus the smeared edge.
    Text strokes, even bold, are thinner and are left alone; a letter that touches a box
    keeps all but its outermost pixels. Done at a third of the resolution (a box edge is
    then placed to within 3 pixels, which the padding covers): 9 times fewer pixels."""
    dark = image.point(lambda v: 255 if v < _DARK else 0)
    small = dark.reduce(_MORPH_STEP).point(lambda v: 255 if v >= 128 else 0)
    radius = _SOLID_PX // (2 * _MORPH_STEP)
    solid = _repeat(small, ImageFilter.MinFilter(3), radius)
    if solid.getbbox() is None:
        return
    grown = _repeat(solid, ImageFilter.MaxFilter(3), radius + 1 + _PAD_PX // _MORPH_STEP)
    image.paste(255, mask=grown.resize(image.size, Image.Resampling.NEAREST))


def _repeat(image: Image.Image, kernel: ImageFilter.Filter, times: int) -> Image.Image:
    """A 3x3 min or max filter applied `times` times: the same as one square filter of
    side 2*times+1, at a fraction of its cost."""
    for _ in range(times):
        image = image.filter(kernel)
    return image


def _readable(exe: str, image: Image.Image, finder: Finder, target: Path,
              memo: Memo | None = None, at_once: bool = True) -> list[tuple[int, int, int, int]]:
    """Pixel boxes around known identifiers Tesseract reads in any of the PSM modes."""
    boxes: list[tuple[int, int, int, int]] = []
    for lines in _read_modes(exe, image, target, memo, at_once):
        boxes += [b for b in _hit_boxes(lines, finder) if b not in boxes]
    return boxes


def _categories(modes: Sequence[list[list[_Word]]], finder: Finder) -> set[str]:
    categories: set[str] = set()
    for lines in modes:
        categories |= {hit.categorie for hit, _ in page_hits(lines, finder)}
    return categories


BUILTIN = "ingebouwd"


def _engine() -> str | None:
    """The Tesseract to read with: the program where it is installed (its two modes run as
    two processes side by side, so on two cores a page costs the time of one), else the one
    inside the program (tesserocr with the shipped data, the modes one after the other), so
    a laptop with no program on PATH still re-reads its scans. Both use the same Dutch data
    (Debian's nld.traineddata is the file Tafeldossier ships) and read the consent form of
    tests/test_ocr_check.py alike (Tesseract 5.3.0 and the wheel's 5.5.4, 6 December 2026)."""
    return tesseract_command() or (BUILTIN if ocr_builtin.available() else None)


def _read_modes(exe: str, image: Image.Image, target: Path,
                memo: Memo | None = None, at_once: bool = True) -> list[list[list[_Word]]]:
    """The words Tesseract reads in each of PSM_MODES, grouped per line."""
    # A read that failed gives no words here (and is not remembered); the gate, which
    # reads every image page of the result, refuses a page it gets no answer for.
    return [_tsv_words(out) for out in _tsv_outputs_memo(exe, image, target, memo, at_once)]


def _tsv_outputs_memo(exe: str, image: Image.Image, target: Path, memo: Memo | None,
                      at_once: bool = True) -> list[str]:
    """`_tsv_outputs`, or what the same engine read in an image with the same pixels."""
    name = memo.name(["ocr-tsv", engine_identity(exe), *PSM_MODES, image_digest(image)]) if memo else ""
    outputs = _outputs_from(memo, name) if memo else None
    if outputs is None:
        outputs = _tsv_outputs(exe, image, target, at_once)
        if memo and all(outputs):  # a run that timed out or failed is not remembered
            memo.put(name, outputs)
    return outputs


def _tsv_outputs(exe: str, image: Image.Image, target: Path, at_once: bool = True) -> list[str]:
    """Tesseract's TSV in each of PSM_MODES. The program's modes run at the same time (one
    process each): on two cores a page costs the time of one; with `at_once=False` (the
    other cores have work of their own) one after the other, one program at a time. The
    built-in engine reads them one after the other, in memory."""
    if exe == BUILTIN:
        return [ocr_builtin.tsv(image, int(psm)) for psm in PSM_MODES]
    image.save(target, compress_level=1)  # the same pixels; level 6 cost 0.15 s per page
    give_back_freed_memory()  # the page's renders: this process now waits for seconds
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        def start(psm: str) -> subprocess.Popen[bytes]:
            return subprocess.Popen([exe, str(target), "stdout", "-l", "nld", "--psm", psm, "tsv"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                    creationflags=NO_WINDOW)

        if not at_once:
            return [_output(start(psm)) for psm in PSM_MODES]
        runs = [start(psm) for psm in PSM_MODES]
        return [_output(run) for run in runs]
    finally:
        target.unlink(missing_ok=True)


def image_digest(image: Image.Image) -> str:
    """SHA-256 of an image's pixels, size and mode: two images with the same digest read
    the same."""
    h = hashlib.sha256(f"{image.mode}:{image.size[0]}x{image.size[1]}:".encode())
    h.update(image.tobytes())
    return h.hexdigest()


def engine_identity(exe: str) -> str:
    """Which Tesseract reads: the built-in one by its versions and language data, the
    program by its path, size and time (an upgrade reads differently)."""
    if exe == BUILTIN:
        return "ingebouwd:" + ocr_builtin.identity()
    try:
        info = os.stat(exe)
    except OSError:
        return f"programma:{exe}"
    return f"programma:{exe}:{info.st_size}:{info.st_mtime_ns}"


def _output(run: subprocess.Popen[bytes]) -> str:
    """What a Tesseract run wrote, decoded (UTF-8 whatever the system's code page); empty
    when it takes longer than TIMEOUT_S."""
    try:
        out, _ = run.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        run.kill()
        run.communicate()
        return ""
    return out.decode("utf-8", "replace")

