"""Photos and scans (JPEG, PNG, TIFF) to PDF pages, with nothing but the pixels kept.

Phone photos carry GPS positions, device names and sometimes the owner's name in
EXIF/XMP; scanners write their own tags. Only decoded pixels go into a newly
built PDF, so no metadata can survive. EXIF orientation is applied first, so the
page looks like the photo did on the phone.
"""

from __future__ import annotations

import io
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, ImageCms, ImageOps, ImageSequence

from dossier_app.documents.limits import DEFAULT_LIMITS, Limits, describe_pixels
from dossier_app.errors import DocumentError
from dossier_app.meldingen import Melding

log = logging.getLogger(__name__)

# Pillow's own decompression-bomb guard, set explicitly rather than trusting the
# library default: it warns above this and refuses above twice this. Our own
# check below refuses above the limit itself, before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = DEFAULT_LIMITS.max_image_pixels

A4_PT = (595.276, 841.89)
MARGIN_PT = 18.0
# 300 dpi on A4 is plenty for reading and redacting a photo; larger images are
# scaled down, which also bounds memory and output size.
MAX_SIDE_PX = 3508
JPEG_QUALITY = 90
_FORMATS = ["JPEG", "PNG", "TIFF"]


@dataclass(frozen=True)
class _EncodedImage:
    data: bytes
    width: int
    height: int
    colour_space: str
    bits: int
    filter: str


def _too_large(bestand: str, pixels: int, limits: Limits, *, at_least: bool = False) -> DocumentError:
    size = f"meer dan {describe_pixels(pixels)}" if at_least else describe_pixels(pixels)
    return DocumentError(
        f"'{bestand}' bevat een afbeelding van {size}; dat is meer dan "
        f"de {describe_pixels(limits.max_image_pixels)} die veilig verwerkt kan worden. "
        "Verklein de foto (bijv. via Delen > kleiner formaat of een fotoprogramma) of scan "
        "opnieuw met 300 dpi, en voeg die versie toe.",
        bestand=bestand, code="AFBEELDING_TE_GROOT")


def _unreadable(bestand: str) -> DocumentError:
    return DocumentError(
        f"'{bestand}' is een beschadigde of onvolledige afbeelding en kan niet worden gelezen. "
        "Open de foto op het toestel of de computer waar hij vandaan komt, sla hem opnieuw op "
        "als JPG of PDF en voeg die versie toe.",
        bestand=bestand, code="AFBEELDING_BESCHADIGD")


def image_to_pdf(source: Path, target: Path, *, bestand: str,
                 limits: Limits = DEFAULT_LIMITS) -> tuple[int, list[Melding]]:
    """Write one PDF page per image frame to `target`; returns (pages, meldingen)."""
    try:
        encoded = _encode_frames(source, bestand, limits)
    except DocumentError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses at open above twice its limit, before our own check runs.
        raise _too_large(bestand, 2 * (Image.MAX_IMAGE_PIXELS or 0), limits,
                         at_least=True) from exc
    except (OSError, ValueError, SyntaxError, EOFError, ZeroDivisionError, KeyError,
            IndexError, TypeError) as exc:
        # Pillow reports truncated or malformed files with any of these.
        raise _unreadable(bestand) from exc
    _write_pdf(encoded, target)
    melding = Melding(
        code="GEEN_TEKSTLAAG",
        tekst=("geen tekstlaag: handmatig controleren. De afbeelding is als pagina opgenomen "
               "en kan niet automatisch op namen worden doorzocht; bekijk de pagina zelf "
               "en markeer wat onleesbaar gemaakt moet worden."),
        bestand=bestand)
    return len(encoded), [melding]


def _encode_frames(source: Path, bestand: str, limits: Limits) -> list[_EncodedImage]:
    with Image.open(source, formats=_FORMATS) as img:
        frames = getattr(img, "n_frames", 1)
        if frames > limits.max_image_frames:
            raise DocumentError(
                f"'{bestand}' bevat {frames} afbeeldingen (meer dan {limits.max_image_frames}). "
                "Splits het bestand of maak er eerst een PDF van, en voeg die toe.",
                bestand=bestand, code="AFBEELDING_TE_GROOT")
        return [_encode_frame(frame, img.format, bestand, limits)
                for frame in ImageSequence.Iterator(img)]


def _encode_frame(frame: Image.Image, fmt: str | None, bestand: str,
                  limits: Limits) -> _EncodedImage:
    width, height = frame.size
    if width * height > limits.max_image_pixels:
        raise _too_large(bestand, width * height, limits)
    if width == 0 or height == 0:
        raise _unreadable(bestand)
    if fmt == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: huge photos cost a
        # fraction of the memory and are scaled down below anyway.
        frame.draft(frame.mode, (MAX_SIDE_PX, MAX_SIDE_PX))
    upright = ImageOps.exif_transpose(frame)
    pixels = _plain_pixels(upright)
    if max(pixels.size) > MAX_SIDE_PX:
        pixels.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
    return _encode(pixels, photo=fmt == "JPEG")


def _plain_pixels(img: Image.Image) -> Image.Image:
    """RGB, L or 1 pixels in sRGB, in a new image that carries no info at all."""
    img = _to_srgb(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        img = background
    elif img.mode not in ("RGB", "L", "1"):
        img = img.convert("RGB")
    # Rebuilding from raw bytes drops EXIF, XMP, ICC, comments and any other info.
    return Image.frombytes(img.mode, img.size, img.tobytes())


def _to_srgb(img: Image.Image) -> Image.Image:
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        mode = "RGBA" if img.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(img, profile, srgb, outputMode=mode)
        return converted if converted is not None else img
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        log.info("ICC profile ignored; colours may differ slightly")
        return img


def _encode(img: Image.Image, *, photo: bool) -> _EncodedImage:
    width, height = img.size
    if img.mode == "1":
        # Packed bits with 1 = white, exactly PDF DeviceGray at 1 bit.
        return _EncodedImage(zlib.compress(img.tobytes()), width, height, "/DeviceGray", 1,
                             "/FlateDecode")
    space = "/DeviceRGB" if img.mode == "RGB" else "/DeviceGray"
    if photo:
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return _EncodedImage(buffer.getvalue(), width, height, space, 8, "/DCTDecode")
    # Screenshots and scans from PNG/TIFF stay lossless.
    return _EncodedImage(zlib.compress(img.tobytes(), 6), width, height, space, 8,
                         "/FlateDecode")


def _page_size(width: int, height: int) -> tuple[float, float]:
    short, long = A4_PT
    return (long, short) if width > height else (short, long)


def _write_pdf(images: list[_EncodedImage], target: Path) -> None:
    pdf = pikepdf.new()
    for image in images:
        _add_page(pdf, image)
    pdf.save(target, deterministic_id=True)


def _add_page(pdf: pikepdf.Pdf, image: _EncodedImage) -> None:
    page_w, page_h = _page_size(image.width, image.height)
    scale = min((page_w - 2 * MARGIN_PT) / image.width, (page_h - 2 * MARGIN_PT) / image.height)
    draw_w, draw_h = image.width * scale, image.height * scale
    x, y = (page_w - draw_w) / 2, (page_h - draw_h) / 2
    xobject = pikepdf.Stream(pdf, image.data)
    xobject.Type = pikepdf.Name.XObject
    xobject.Subtype = pikepdf.Name.Image
    xobject.Width = image.width
    xobject.Height = image.height
    xobject.ColorSpace = pikepdf.Name(image.colour_space)
    xobject.BitsPerComponent = image.bits
    xobject.Filter = pikepdf.Name(image.filter)
    content = f"q {draw_w:.3f} 0 0 {draw_h:.3f} {x:.3f} {y:.3f} cm /Im0 Do Q".encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, page_w, page_h],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)),
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(page))
