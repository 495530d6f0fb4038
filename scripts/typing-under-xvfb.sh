#!/usr/bin/env bash
# Type into the wizard as a person does, on a real X server: the example case opens in
# dossier-app under Xvfb (1366x768, openbox), xdotool clicks into Samenvatting on
# "Voorblad en offerte" and types N characters (default 6000) with real key events; then
# the program must still run. A screenshot is left in out/typing-under-xvfb.png.
#
#   bash scripts/typing-under-xvfb.sh [N]
#
# Needs the Debian packages xvfb, openbox, xdotool, imagemagick, dbus and gnome-keyring (a
# real Secret Service keyring, so the autosave works as on a desktop).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-6000}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 1; rm -rf "$WORK" 2>/dev/null || true' EXIT
cp -r examples/adviestafel-den-haag "$WORK/casus"
export TAFELDOSSIER_DATA="$WORK/data"
export DISPLAY=:77
Xvfb "$DISPLAY" -screen 0 1366x768x24 >/dev/null 2>&1 &
sleep 1
openbox >/dev/null 2>&1 &
sleep 1
mkdir -p out
dbus-run-session -- bash -c '
  set -euo pipefail
  echo -n xvfb | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  QT_QPA_PLATFORM=xcb .venv/bin/dossier-app --open "$0/casus/casus.toml" >"$0/app.log" 2>&1 &
  APP=$!
  for _ in $(seq 60); do xdotool search --name "^Tafeldossier$" >/dev/null 2>&1 && break; sleep 1; done
  WIN=$(xdotool search --name "^Tafeldossier$" | head -1)
  xdotool windowactivate --sync "$WIN"
  sleep 1
  xdotool key ctrl+5          # step 5, Voorblad en offerte (XTEST, as a keyboard)
  sleep 1
  # Samenvatting is the first text field on that page: click into it, go to its end
  eval "$(xdotool getwindowgeometry --shell "$WIN")"
  xdotool mousemove --window "$WIN" 500 190 click 1
  xdotool key ctrl+End
  TEXT="De leerling kwam twee ochtenden, daarna niet meer; het MDO sprak een nieuw plan af. "
  typed=0
  while [ "$typed" -lt "$1" ]; do
    xdotool type --delay 2 "$TEXT"
    typed=$((typed + ${#TEXT}))
    kill -0 "$APP" 2>/dev/null || { echo "Het programma is gestopt na $typed tekens." >&2; cat "$0/app.log" >&2; exit 1; }
  done
  sleep 2
  kill -0 "$APP" 2>/dev/null || { echo "Het programma is gestopt na het typen." >&2; cat "$0/app.log" >&2; exit 1; }
  import -window root out/typing-under-xvfb.png
  echo "$typed tekens getypt; het programma draait nog (pid $APP)."
  xdotool key ctrl+q
  sleep 2
' "$WORK" "$N"
