"""Draw Tafeldossier's application icon (our own artwork, no third-party images).

A blue folder with a white sheet on which three lines are struck through with black
bars (the anonymised bundle). Writes resources/icons/tafeldossier.png (256 px) and
resources/icons/tafeldossier.ico (16-256 px). Run from the repository root:

    .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "icons"
SIZE = 1024  # drawn large, scaled down with antialiasing
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]

BLUE = (31, 94, 168, 255)
BLUE_DARK = (20, 64, 120, 255)
PAPER = (255, 255, 255, 255)
INK = (120, 130, 145, 255)
BAR = (20, 20, 24, 255)


def draw(size: int = SIZE) -> Image.Image:
    s = size / 1024
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    d.rounded_rectangle(box(70, 170, 470, 300), radius=48 * s, fill=BLUE_DARK)  # folder tab
    d.rounded_rectangle(box(70, 230, 954, 900), radius=64 * s, fill=BLUE_DARK)  # folder back
    d.rectangle(box(250, 130, 800, 760), fill=PAPER)  # sheet
    for i, y in enumerate((210, 300, 390, 480, 570, 660)):
        if i in (1, 3):
            d.rectangle(box(300, y - 26, 700, y + 26), fill=BAR)  # redacted line
        else:
            d.rectangle(box(300, y - 14, 750, y + 14), fill=INK)
    d.rounded_rectangle(box(70, 520, 954, 930), radius=64 * s, fill=BLUE)  # folder front
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    png = big.resize((256, 256), Image.Resampling.LANCZOS)
    png.save(OUT / "tafeldossier.png", optimize=True)
    big.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "tafeldossier.ico", sizes=ICO_SIZES)
    print(f"geschreven: {OUT / 'tafeldossier.png'}, {OUT / 'tafeldossier.ico'}")


if __name__ == "__main__":
    main()
