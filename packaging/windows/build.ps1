<#
.SYNOPSIS
  Builds Tafeldossier for Windows: the PyInstaller folder, a smoke test of the frozen
  programs, a zip of the folder, the per-user setup (Inno Setup 6) and the per-machine
  MSI (WiX v5). Run from anywhere, in PowerShell 7 (pwsh) or Windows PowerShell 5.1:

    pwsh packaging\windows\build.ps1 [-Python C:\path\python.exe] [-SkipInstallers] [-InstallTest]

  Needs: Python 3.11 with Tafeldossier installed (pip install ".[namen]"), Inno Setup 6
  (iscc) and the WiX v5 dotnet tool (wix). Output in dist\installers\:
    tafeldossier-<versie>-setup.exe        per user, no administrator rights
    tafeldossier-<versie>.msi              per machine, for msiexec /i ... /qn
    tafeldossier-<versie>-windows-x64.zip  the program folder itself
  -InstallTest also installs both installers silently, runs the installed dossier.exe
  and uninstalls them again (for CI runners; the MSI part needs administrator rights).
#>
[CmdletBinding()]
param(
  [string]$Python = "python",
  [switch]$SkipInstallers,
  [switch]$InstallTest
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 3.0
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Invoke-Native {
  # Run a program; stop the build when it exits with an error.
  param([string]$What, [string]$Exe, [string[]]$Arguments)
  Write-Host "== $What" -ForegroundColor Cyan
  & $Exe @Arguments
  if ($LASTEXITCODE -ne 0) { throw "$What mislukt (exitcode $LASTEXITCODE)" }
}

# --- version: written only in pyproject.toml ----------------------------------------------
$VersionCode = @'
import runpy, sys
sys.argv = ["versions.py", "."]
runpy.run_path("packaging/versions.py", run_name="__main__")
'@
$lines = @($VersionCode | & $Python -)
if ($LASTEXITCODE -ne 0 -or $lines.Count -lt 2) { throw "versie niet gelezen uit pyproject.toml" }
$Version = $lines[0].Trim()          # e.g. 1.2.0rc1: names, display
$NumericVersion = $lines[1].Trim()   # e.g. 1.2.501 for 1.2.0rc1, 1.2.900 for 1.2.0 (packaging\versions.py)
Write-Host "Tafeldossier $Version (numeriek $NumericVersion)"

$App = Join-Path $Root "dist\Tafeldossier"
$Out = Join-Path $Root "dist\installers"

# --- 1. PyInstaller -------------------------------------------------------------------------
Invoke-Native "PyInstaller installeren" $Python @("-m", "pip", "install", "-q",
  "pyinstaller>=6.10,<7", "pyinstaller-hooks-contrib>=2024.8")
Invoke-Native "PyInstaller: packaging\tafeldossier.spec" $Python @("-m", "PyInstaller",
  "--noconfirm", "--clean", "--distpath", "dist", "--workpath", "build\pyinstaller",
  "packaging\tafeldossier.spec")

# --- 2. smoke test of the frozen programs ---------------------------------------------------
# As on a plain school laptop: PATH holds only Windows itself, so no pdftotext, mutool,
# Tesseract, LibreOffice or Python the runner may have. The gate must use the engines in
# the folder (pypdf, pdfminer) and OCR must run inside the program.
$Tmp = Join-Path ([IO.Path]::GetTempPath()) ("tafeldossier-rooktest-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Tmp | Out-Null
$env:QT_QPA_PLATFORM = "offscreen"
$SavedPath = $env:PATH
$env:PATH = "$env:SystemRoot\System32;$env:SystemRoot"
try {
  Write-Host "== dossier.exe --versie" -ForegroundColor Cyan
  $shown = (& "$App\dossier.exe" --versie | Out-String).Trim()
  if ($LASTEXITCODE -ne 0 -or $shown -ne "Tafeldossier $Version") {
    throw "dossier.exe --versie gaf '$shown', verwacht 'Tafeldossier $Version'"
  }
  Write-Host $shown
  Invoke-Native "dossier.exe build (voorbeeldcasus, --converter builtin)" "$App\dossier.exe" @(
    "build", "$Root\examples\adviestafel-den-haag\casus.toml", "-o", "$Tmp\bundel.pdf",
    "--converter", "builtin", "--stil")
  Invoke-Native "dossier.exe verify" "$App\dossier.exe" @("verify", "$Tmp\bundel.pdf")

  # dossier-app.exe is a windowed program: PowerShell does not wait for it with `&`.
  Write-Host "== dossier-app.exe --zelftest (offscreen)" -ForegroundColor Cyan
  $proc = Start-Process -FilePath "$App\dossier-app.exe" -ArgumentList "--zelftest" -Wait -PassThru `
    -NoNewWindow -RedirectStandardOutput "$Tmp\zelftest.txt" -RedirectStandardError "$Tmp\zelftest-fout.txt"
  if (Test-Path "$Tmp\zelftest.txt") { Get-Content "$Tmp\zelftest.txt" }
  if ($proc.ExitCode -ne 0) {
    if (Test-Path "$Tmp\zelftest-fout.txt") { Get-Content "$Tmp\zelftest-fout.txt" }
    throw "dossier-app.exe --zelftest mislukt (exitcode $($proc.ExitCode))"
  }
  # What protects without programs on PATH (dossier_app/installcheck.py prints it).
  $said = Get-Content "$Tmp\zelftest.txt" -Raw -Encoding UTF8
  foreach ($needed in @("Eindcontrole: objecten, pdfium, pypdf, pdfminer",
                        "Tekstherkenning: tesseract-ingebouwd", "Sleutelbos: Windows Referentiebeheer")) {
    if (-not $said.Contains($needed)) { throw "zelftest zonder '$needed'" }
  }
} finally {
  $env:PATH = $SavedPath
  Remove-Item -Recurse -Force $Tmp -ErrorAction SilentlyContinue
  Remove-Item Env:\QT_QPA_PLATFORM -ErrorAction SilentlyContinue
}

# --- 3. zip of the folder -------------------------------------------------------------------
New-Item -ItemType Directory -Force -Path $Out | Out-Null
$Zip = Join-Path $Out "tafeldossier-$Version-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item $Zip }
Write-Host "== zip: $Zip" -ForegroundColor Cyan
Compress-Archive -Path $App -DestinationPath $Zip -CompressionLevel Optimal

if ($SkipInstallers) { Write-Host "Installatieprogramma's overgeslagen."; exit 0 }

# --- 4. per-user setup: Inno Setup 6 --------------------------------------------------------
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
if (-not $Iscc) {
  $Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
            "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") |
          Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) niet gevonden" }
Invoke-Native "Inno Setup" $Iscc @("/Qp", "/DAppVersion=$Version", "/DAppNumericVersion=$NumericVersion",
  "/DDistDir=$App", "/DOutputDir=$Out", "$Root\packaging\windows\tafeldossier.iss")
$Setup = Join-Path $Out "tafeldossier-$Version-setup.exe"

# --- 5. per-machine MSI: WiX v5 (<Files> harvesting) ----------------------------------------
$Msi = Join-Path $Out "tafeldossier-$Version.msi"
Invoke-Native "WiX" "wix" @("build", "-arch", "x64", "-d", "Version=$NumericVersion",
  "-bindpath", "App=$App", "-out", $Msi, "$Root\packaging\windows\tafeldossier.wxs")

# --- 6. optional: install, run and uninstall both (CI) ---------------------------------------
if ($InstallTest) {
  Write-Host "== installatietest: setup.exe per gebruiker, stil" -ForegroundColor Cyan
  $p = Start-Process -FilePath $Setup -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART",
    "/LOG=$Out\setup-install.log" -Wait -PassThru
  if ($p.ExitCode -ne 0) { throw "setup.exe /VERYSILENT: exitcode $($p.ExitCode)" }
  $UserDir = Join-Path $env:LOCALAPPDATA "Programs\Tafeldossier"
  Invoke-Native "geïnstalleerd (per gebruiker): dossier.exe --versie" "$UserDir\dossier.exe" @("--versie")
  $p = Start-Process -FilePath "$UserDir\unins000.exe" -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES",
    "/NORESTART" -Wait -PassThru
  if ($p.ExitCode -ne 0) { throw "unins000.exe /VERYSILENT: exitcode $($p.ExitCode)" }

  Write-Host "== installatietest: MSI per computer, msiexec /qn" -ForegroundColor Cyan
  $p = Start-Process -FilePath "msiexec.exe" -ArgumentList "/i", "`"$Msi`"", "/qn", "/norestart",
    "/l*v", "`"$Out\msi-install.log`"" -Wait -PassThru
  if ($p.ExitCode -ne 0) { throw "msiexec /i: exitcode $($p.ExitCode) (zie msi-install.log)" }
  $MachineDir = Join-Path $env:ProgramFiles "Tafeldossier"
  Invoke-Native "geïnstalleerd (per computer): dossier.exe --versie" "$MachineDir\dossier.exe" @("--versie")
  $p = Start-Process -FilePath "msiexec.exe" -ArgumentList "/x", "`"$Msi`"", "/qn", "/norestart" -Wait -PassThru
  if ($p.ExitCode -ne 0) { throw "msiexec /x: exitcode $($p.ExitCode)" }
  if (Test-Path "$MachineDir\dossier.exe") { throw "na msiexec /x staat dossier.exe er nog" }
}

Write-Host "Klaar: $Out" -ForegroundColor Green
Get-ChildItem $Out | Format-Table Name, Length
