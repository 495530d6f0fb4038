"""Packaging: the PyInstaller spec, the Windows installer scripts, the self-test, and
(slow, opt-in) the Linux proof build of the frozen folder."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

SPEC = REPO / "packaging" / "tafeldossier.spec"
ISS = REPO / "packaging" / "windows" / "tafeldossier.iss"
WXS = REPO / "packaging" / "windows" / "tafeldossier.wxs"
BUILD_PS1 = REPO / "packaging" / "windows" / "build.ps1"
WORKFLOW = REPO / ".github" / "workflows" / "windows.yml"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _spec_literal(name: str) -> object:
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not assigned in the spec")


def _spec_qt_filter():
    """The spec's Qt file filter (_keep_dest and what it uses), run without PyInstaller."""
    wanted = {"QT_PLUGINS_KEEP", "QT_TRANSLATIONS_KEEP", "QT_LIBS_DROP", "_QT_PLUGIN",
              "_QT_TRANSLATION", "_plugin_stem", "_keep_dest"}
    body = []
    for node in _spec_tree().body:
        names = ({t.id for t in node.targets if isinstance(t, ast.Name)}
                 if isinstance(node, ast.Assign) else {getattr(node, "name", None)})
        if names & wanted:
            body.append(node)
    namespace: dict[str, object] = {"re": re, "Path": Path}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace["_keep_dest"]


# --- the spec -------------------------------------------------------------------------------

def test_spec_parses_and_reads_version_from_pyproject():
    text = SPEC.read_text(encoding="utf-8")
    _spec_tree()
    assert "tomllib.load" in text and '["project"]["version"]' in text
    assert not re.search(r"\b\d+\.\d+\.\d+\b", text), "no version number written in the spec"


def test_spec_two_programs_one_folder():
    text = SPEC.read_text(encoding="utf-8")
    assert text.count("EXE(") == 2 and text.count("COLLECT(") == 1 and text.count("Analysis(") == 1
    assert 'name="dossier-app", console=False' in text
    assert 'name="dossier", console=True' in text
    assert "exclude_binaries=True" in text
    assert "upx=False" in text and "strip=False" in text and "upx=True" not in text
    for entry in ("entry_dossier.py", "entry_dossier_app.py"):
        source = (REPO / "packaging" / entry).read_text(encoding="utf-8")
        assert "multiprocessing.freeze_support()" in source
        assert entry in text


def test_spec_excludes_unused_modules():
    excludes = set(_spec_literal("excludes"))
    for module in ("tkinter", "_tkinter", "pytest", "tests", "PySide6.QtQml", "PySide6.QtQuick",
                   "PySide6.QtWebEngineCore", "PySide6.QtMultimedia", "PySide6.Qt3DCore",
                   "PySide6.QtNetwork", "PySide6.QtSql"):
        assert module in excludes, module
    for used in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPdf",
                 "PySide6.QtPdfWidgets"):
        assert used not in excludes, used


def test_spec_collects_resources_keyring_pdfium_deduce_icon():
    text = SPEC.read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "resources")' in text
    assert "keyring.backends.Windows" in text and "keyring.backends.SecretService" in text
    assert "pypdfium2_raw" in text
    assert 'collect_data_files("deduce")' in text and 'find_spec("deduce")' in text
    assert "tafeldossier.ico" in text
    assert (REPO / "resources" / "icons" / "tafeldossier.ico").is_file()
    assert (REPO / "resources" / "icons" / "tafeldossier.png").is_file()
    for hook in ("QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets"):
        assert (REPO / "packaging" / "pyi_hooks" / f"hook-PySide6.{hook}.py").is_file()


def test_the_console_program_starts_without_qt():
    """PyInstaller's PySide6 runtime hook imports QtCore at every start; the console program
    (and each worker it spawns) goes without it, which is sound only while nothing it runs
    imports Qt: no module outside dossier_app/ui imports PySide6 or dossier_app.ui."""
    text = SPEC.read_text(encoding="utf-8")
    assert _spec_literal("_QT_HOOK") == "pyi_rth_pyside6"
    assert 'exe_cli = EXE(pyz, _scripts("entry_dossier", leave_out={_QT_HOOK})' in text
    assert 'exe_app = EXE(pyz, _scripts("entry_dossier_app"),' in text
    package = REPO / "dossier_app"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if (package / "ui") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if isinstance(node, ast.ImportFrom) and node.module == "dossier_app":
                names += [f"dossier_app.{alias.name}" for alias in node.names]
            offenders += [f"{path.relative_to(REPO)}: {name}" for name in names
                          if name.split(".")[0] == "PySide6" or name.startswith("dossier_app.ui")]
    assert offenders == []


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/plugins/platforms/qwindows.dll", True),  # Windows wheel layout
    ("PySide6/plugins/platforms/qoffscreen.dll", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),  # Linux wheel layout
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/plugins/imageformats/qico.dll", True),
    ("PySide6/plugins/imageformats/qsvg.dll", False),
    ("PySide6/plugins/imageformats/qpdf.dll", False),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/plugins/tls/qopensslbackend.dll", False),
    ("PySide6/plugins/iconengines/qsvgicon.dll", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", True),
    ("PySide6/translations/qtbase_nl.qm", True),
    ("PySide6/translations/qt_nl.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/translations/qt_help_nl.qm", False),
    ("PySide6/Qt6Pdf.dll", True),
    ("PySide6/Qt6Network.dll", True),  # QtPdf links it
    ("PySide6/Qt6Qml.dll", False),
    ("PySide6/Qt6Quick.dll", False),
    ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
    ("PySide6/opengl32sw.dll", False),  # 20 MB software OpenGL: widgets and QtPdf need none
    ("PySide6/Qt6OpenGL.dll", False),
    ("pypdfium2_raw/pdfium.dll", True),
    ("resources/fonts/DejaVuSans.ttf", True),
])
def test_spec_qt_filter(dest, kept):
    assert _spec_qt_filter()(dest) is kept


# --- the installers and the build script ----------------------------------------------------

def test_installers_take_the_version_from_pyproject():
    """The version is written only in pyproject.toml: build.ps1 reads it there and passes it
    to Inno Setup and WiX; the installer sources refuse to build without it."""
    ps1 = BUILD_PS1.read_text(encoding="utf-8")
    assert "packaging/versions.py" in ps1
    assert "tomllib" in (REPO / "packaging" / "versions.py").read_text(encoding="utf-8")
    assert "/DAppVersion=" in ps1 and "-d" in ps1 and "Version=" in ps1
    iss = ISS.read_text(encoding="utf-8")
    assert "#ifndef AppVersion" in iss and "#error" in iss
    assert "AppVersion={#AppVersion}" in iss
    wxs = WXS.read_text(encoding="utf-8")
    assert "<?ifndef Version?>" in wxs and "<?error" in wxs
    assert 'Version="$(var.Version)"' in wxs
    for path in (ISS, WXS):
        found = re.findall(r"(?<![\d.])\d+\.\d+\.\d+(?![\d.])", path.read_text(encoding="utf-8"))
        assert not found, f"{path.name} writes a version number: {found}"
    for path in (BUILD_PS1, WORKFLOW):
        assert not re.search(rf"(?<![\d.]){re.escape(VERSION)}(?![\d.])", path.read_text(encoding="utf-8"))


def test_build_script_extracts_the_pyproject_version():
    """Run the same tomllib expression build.ps1 gives Python."""
    ps1 = BUILD_PS1.read_text(encoding="utf-8")
    match = re.search(r"\$VersionCode = @'\r?\n(.*?)\r?\n'@", ps1, re.DOTALL)
    assert match, "build.ps1 keeps its Python code for the version in $VersionCode"
    out = subprocess.run([sys.executable, "-"], input=match.group(1), cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", out[1])


def test_inno_setup_script_per_user_dutch_with_licence():
    iss = ISS.read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in iss
    assert r"{autopf}\Tafeldossier" in iss or r"{localappdata}\Programs\Tafeldossier" in iss
    assert r"compiler:Languages\Dutch.isl" in iss
    assert "LicenseFile=" in iss and "LICENSE" in iss
    assert "[Icons]" in iss and "{group}" in iss
    assert "dossier-app.exe" in iss and "dossier.exe" in iss
    # the uninstaller asks before it removes user data, and keeps it when silent
    assert "MsgBox(" in iss and "MB_DEFBUTTON2" in iss and "UninstallSilent()" in iss
    assert "PrivilegesRequiredOverridesAllowed" not in iss


def test_wix_source_per_machine_msi():
    wxs = WXS.read_text(encoding="utf-8")
    assert 'Scope="perMachine"' in wxs
    assert "<MajorUpgrade" in wxs
    upgrade = re.search(r'UpgradeCode="([0-9A-Fa-f-]{36})"', wxs)
    assert upgrade, "a fixed UpgradeCode GUID"
    assert "<Files " in wxs and "<Shortcut" in wxs
    assert 'xmlns="http://wixtoolset.org/schemas/v4/wxs"' in wxs


def test_workflow_builds_with_build_ps1_and_uploads_artifacts():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "windows-latest" in text and "python-version: \"3.11\"" in text
    assert "packaging/windows/build.ps1" in text
    assert "actions/upload-artifact" in text
    assert "workflow_dispatch" in text and "tags" in text


# --- the self-test ---------------------------------------------------------------------------

@pytest.mark.gui
@pytest.mark.slow
def test_selftest_through_the_app_option(capsys):
    from dossier_app.ui.app import main

    with pytest.raises(SystemExit) as stop:
        main(["--zelftest"])
    assert stop.value.code == 0
    assert "Zelftest geslaagd" in capsys.readouterr().out


def test_selftest_reports_failure_in_dutch(monkeypatch, capsys):
    from dossier_app.ui import selftest

    def broken() -> Path:
        raise selftest.SelftestError("de voorbeeldcasus is niet gevonden")

    monkeypatch.setattr(selftest, "example_folder", broken)
    monkeypatch.setattr(selftest, "_step_window", lambda work, say: None)
    assert selftest.main() == 1
    assert "Zelftest mislukt: de voorbeeldcasus is niet gevonden" in capsys.readouterr().out


# --- the frozen build (Linux proof) ----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("TAFELDOSSIER_FREEZE_TEST") != "1",
                    reason="freezes the whole app (about a minute); set TAFELDOSSIER_FREEZE_TEST=1")
def test_frozen_linux_build():
    proc = subprocess.run(["bash", str(REPO / "scripts" / "freeze-linux.sh")], cwd=REPO,
                          capture_output=True, text=True, timeout=1800)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert f"Tafeldossier {VERSION}" in output
    assert "Uitslag: in orde" in output  # dossier verify on the frozen build's bundle
    assert "Zelftest geslaagd" in output
    assert "Bevroren build geslaagd" in output


# --- Windows versions, upgrades, uninstall ---------------------------------------------------

def _versions():
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import versions
    finally:
        sys.path.remove(str(REPO / "packaging"))
    return versions


@pytest.mark.parametrize(("lower", "higher"), [
    ("2.0rc1", "2.0.0"), ("1.2.0rc1", "1.2.0"), ("1.2.0a1", "1.2.0b1"), ("1.2.0b2", "1.2.0rc1"),
    ("1.2.0rc2", "1.2.0"), ("1.2.0.dev3", "1.2.0a1"), ("1.2.0", "1.2.0.post1"),
    ("1.2.0.post1", "1.2.1a1"), ("1.9.9", "2.0a1"), ("0.1.0", "0.1.1"), ("1.2.3", "1.3.0rc1"),
])
def test_windows_version_keeps_pre_releases_below_their_final(lower, higher):
    """Windows Installer compares three numbers: a pre-release must map below its final
    (the first three numbers of "2.0rc1" were 2.0.1, above 2.0.0)."""
    numeric = _versions().numeric_version
    assert numeric(lower) < numeric(higher)
    for version in (lower, higher):
        major, minor, build = numeric(version)
        assert major <= 255 and minor <= 255 and build <= 65535


def test_windows_version_of_a_final_and_unmappable_versions():
    versions = _versions()
    assert versions.numeric_version("1.2") == versions.numeric_version("1.2.0") == (1, 2, 900)
    assert versions.numeric_version("0.1.0+lokaal.1") == (0, 1, 900)
    for bad in ("1.2.0rc100", "1", "1.2.0-beta", "300.0.0", "1.2.66", "1.0a1.dev1"):
        with pytest.raises(ValueError):
            versions.numeric_version(bad)
    numeric = versions.numeric_version(VERSION)  # the project's own version maps
    out = subprocess.run([sys.executable, str(REPO / "packaging" / "versions.py"), str(REPO)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == [VERSION, ".".join(map(str, numeric))]


def test_the_spec_gives_the_programs_the_mapped_file_version():
    text = SPEC.read_text(encoding="utf-8")
    assert "numeric_version(VERSION)" in text
    assert "re.findall(r\"\\d+\", VERSION" not in text


def test_same_version_rebuilds_upgrade_and_pre_releases_map_below_finals():
    wxs = WXS.read_text(encoding="utf-8")
    assert re.search(r'<MajorUpgrade[^>]*AllowSameVersionUpgrades="yes"', wxs)
    iss = ISS.read_text(encoding="utf-8")
    assert "AppVersion={#AppVersion}" in iss and "VersionInfoVersion={#AppNumericVersion}" in iss
    assert re.search(r"#if Ver < EncodeVer\(6,\s*3", iss), "x64compatible needs Inno Setup 6.3"
    assert "x64compatible" in iss


def test_uninstaller_removes_every_key_the_product_stores():
    """keyring's Windows backend keeps the key stored last under "Tafeldossier" and moves
    each earlier one to "<key>@Tafeldossier": the uninstaller must remove them all."""
    from dossier_app.store import keys
    from dossier_app.store.drafts import KEY_NAME

    used = {KEY_NAME}
    for source in (REPO / "dossier_app").rglob("*.py"):
        used |= set(re.findall(r'get_or_create_key\("([^"]+)"\)', source.read_text(encoding="utf-8")))
    assert used == set(keys.KEY_NAMES)
    iss = ISS.read_text(encoding="utf-8")
    deleted = set(re.findall(r"DeleteCredential\('([^']+)'\);", iss))
    assert deleted == set(keys.windows_credential_targets())
    assert "'/delete:' + Target" in iss and "RemoveKeys();" in iss


def test_no_uninstall_or_upgrade_while_the_program_runs():
    iss = ISS.read_text(encoding="utf-8")
    mutex = re.search(r"^AppMutex=(.+)$", iss, re.MULTILINE)
    assert mutex
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import running
    finally:
        sys.path.remove(str(REPO / "packaging"))
    assert mutex.group(1).strip().split(",") == list(running.MUTEX_NAMES)
    for entry in ("entry_dossier.py", "entry_dossier_app.py"):
        source = (REPO / "packaging" / entry).read_text(encoding="utf-8")
        assert source.index("freeze_support()") < source.index("hold_running_mutex()")
    running.hold_running_mutex()  # nothing to do off Windows, and no error


def test_every_program_the_app_starts_opens_no_console_window():
    """Windows: a program started from the windowed app without CREATE_NO_WINDOW flashes
    a console window (taskkill in the LibreOffice converter did)."""
    calls = []
    for source in (REPO / "dossier_app").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess"
                    and node.func.attr in ("run", "Popen", "call", "check_call", "check_output")):
                keywords = {k.arg for k in node.keywords}
                calls.append((source.name, node.lineno))
                if None in keywords:  # **kwargs: the dict must carry the flag
                    text = source.read_text(encoding="utf-8")
                    assert 'kwargs["creationflags"]' in text and "NO_WINDOW" in text, source.name
                else:
                    assert "creationflags" in keywords, (source.name, node.lineno)
    assert len(calls) >= 6  # the gate's engines, Tesseract, Word, LibreOffice


def test_notices_name_every_dependency_and_qt_licence_text_ships():
    notices = (REPO / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8").lower()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["namen"]]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        name = "pyside6" if name.startswith("pyside6") else name
        assert name in notices, name
    lgpl = (REPO / "resources" / "licenses" / "LGPL-3.0.txt").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl and "Version 3, 29 June 2007" in lgpl
    gpl = (REPO / "resources" / "licenses" / "GPL-3.0.txt").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in gpl and "Version 3, 29 June 2007" in gpl
    apache = (REPO / "resources" / "tessdata" / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")
    assert "Apache License" in apache and "Version 2.0" in apache
    assert "resources/licenses/" in notices and "each licence is kept with its component" not in notices
    freeze = (REPO / "scripts" / "freeze-linux.sh").read_text(encoding="utf-8")
    assert "_internal/resources/licenses/LGPL-3.0.txt" in freeze


def test_wheel_check_applies_windows_markers():
    """packaging/check_wheels.py (run where a registry is reachable) asks pip for win_amd64
    wheels; pip evaluates markers for the machine it runs on, so the script applies them
    with Windows' values itself: pywin32 is in, Linux-only dependencies are out."""
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import check_wheels
    finally:
        sys.path.remove(str(REPO / "packaging"))
    from packaging.requirements import Requirement

    for python in check_wheels.PYTHONS:
        wanted = check_wheels.project_requirements(python)
        names = {Requirement(r).name.lower() for r in wanted}
        assert {"pywin32", "tesserocr", "pdfminer.six", "pyside6-essentials", "deduce"} <= names
        assert "PySide6-Essentials==6.11.3" in wanted and "PySide6-Addons==6.11.3" in wanted
        assert all(";" not in r for r in wanted)
    assert check_wheels.applies(Requirement("pywin32-ctypes>=0.2; sys_platform=='win32'"), "3.12")
    assert not check_wheels.applies(Requirement("SecretStorage>=3.2; sys_platform=='linux'"), "3.12")
    assert not check_wheels.applies(Requirement("tomli; python_version<'3.11'"), "3.11")
    assert check_wheels.applies(Requirement("x; extra == 'namen'"), "3.11", ("namen",))


def test_windows_build_installs_the_pinned_qt_and_runs_the_tests():
    """PySide6 6.12.0 has the refcount crash: the Windows build takes Qt only through the
    project's pins (Essentials, Addons for QtPdf, shiboken6 ==6.11.3), checks them, and
    runs the test suite (also without programs on PATH) on the Windows runner."""
    pins = [d for d in tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
            ["dependencies"] if d.lower().startswith(("pyside6", "shiboken6"))]
    assert sorted(pins) == ["PySide6-Addons==6.11.3", "PySide6-Essentials==6.11.3", "shiboken6==6.11.3"]
    workflow = WORKFLOW.read_text(encoding="utf-8")
    ps1 = BUILD_PS1.read_text(encoding="utf-8")
    for text in (workflow, ps1):
        assert not re.search(r"pip install[^\n]*pyside6", text, re.IGNORECASE)
    assert 'pip install ".[namen,dev]"' in workflow
    assert "'6.11.3'" in workflow and "PySide6-Addons" in workflow
    assert "python -m pytest" in workflow and "--plain" in workflow
    assert "Eindcontrole: objecten, pdfium, pypdf, pdfminer" in ps1
    assert '$env:PATH = "$env:SystemRoot\\System32;$env:SystemRoot"' in ps1


def test_reportlab_runs_its_c_accelerator():
    """reportlab falls back to pure Python quietly when its accelerator (the rl_accel
    wheel) is missing; the frozen build checks the same in scripts/freeze-linux.sh."""
    from reportlab.lib import rl_accel

    assert type(rl_accel.fp_str).__name__ == "builtin_function_or_method"
    assert rl_accel.fp_str(1.5, 2) == "1.5 2"
