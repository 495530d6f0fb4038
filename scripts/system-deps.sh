#!/usr/bin/env bash
# Install the Debian packages Tafeldossier uses on Linux, when they are missing:
# poppler (pdftotext) and MuPDF (mutool), the leak gate's two fast independent text
# engines, qpdf, Tesseract with Dutch data,
# LibreOffice Writer (optional converter), Xvfb and the libraries Qt needs offscreen,
# and `locales` (localedef: the OCR test builds a cp1252 locale, as on Windows).
set -euo pipefail

PACKAGES=(locales poppler-utils mupdf-tools qpdf tesseract-ocr tesseract-ocr-nld libreoffice-writer-nogui gnome-keyring dbus-x11 libsecret-1-0
          xvfb libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          fonts-dejavu-core libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
          libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Deze pakketten ontbreken en kunnen hier niet automatisch worden geïnstalleerd: ${missing[*]}" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Installeer als beheerder: apt-get install ${missing[*]}" >&2; exit 1; fi
fi
echo "Systeempakketten installeren: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
