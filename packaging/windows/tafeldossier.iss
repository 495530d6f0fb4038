; Inno Setup 6 script: Tafeldossier for one user, installed without administrator rights.
; Built by packaging\windows\build.ps1, which passes the version from pyproject.toml:
;
;   iscc /DAppVersion=<versie> /DAppNumericVersion=<x.y.z> packaging\windows\tafeldossier.iss
;
; Installs the PyInstaller folder (dist\Tafeldossier) into %LOCALAPPDATA%\Programs\Tafeldossier
; ({autopf} with PrivilegesRequired=lowest), adds a Start menu shortcut, and shows the
; licence (EUPL-1.2) first. The uninstaller removes the program; it asks before it also
; removes the user's drafts, settings and logs (%LOCALAPPDATA%\Tafeldossier), and keeps
; them when it runs silently. Silent install: tafeldossier-<versie>-setup.exe /VERYSILENT
; /SUPPRESSMSGBOXES /NORESTART. See packaging\README.md.

; ArchitecturesAllowed=x64compatible (below) is understood from Inno Setup 6.3 on; an older
; compiler would stop with an unclear message.
#if Ver < EncodeVer(6,3,0)
  #error Inno Setup 6.3 of nieuwer is nodig (x64compatible)
#endif
#ifndef AppVersion
  #error AppVersion ontbreekt: bouw met packaging\windows\build.ps1 of iscc /DAppVersion=...
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion AppVersion
#endif
#ifndef DistDir
  #define DistDir "..\..\dist\Tafeldossier"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist\installers"
#endif

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{718C6A84-F4D7-40C8-B3B0-0F2735200E8A}
AppName=Tafeldossier
AppVersion={#AppVersion}
AppVerName=Tafeldossier {#AppVersion}
AppPublisher=Tafeldossier
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductName=Tafeldossier
PrivilegesRequired=lowest
DefaultDirName={autopf}\Tafeldossier
DefaultGroupName=Tafeldossier
DisableProgramGroupPage=yes
LicenseFile=..\..\LICENSE
SetupIconFile=..\..\resources\icons\tafeldossier.ico
UninstallDisplayIcon={app}\dossier-app.exe
UninstallDisplayName=Tafeldossier
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=tafeldossier-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running Tafeldossier before files are replaced.
CloseApplications=yes
RestartApplications=no
; The frozen programs hold this mutex while they run (packaging\entry_*.py): setup and
; the uninstaller ask the user to close Tafeldossier first (also in other sessions).
AppMutex=Tafeldossier-draait,Global\Tafeldossier-draait

[Languages]
Name: "dutch"; MessagesFile: "compiler:Languages\Dutch.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: dossier-app.exe, dossier.exe, _internal\, LICENSE.txt,
; THIRD_PARTY_NOTICES.md.
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Tafeldossier"; Filename: "{app}\dossier-app.exe"; WorkingDir: "{userdocs}"; Comment: "Aanmeldingen voor de tafels voorbereiden en controleren"
Name: "{autodesktop}\Tafeldossier"; Filename: "{app}\dossier-app.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\dossier-app.exe"; Description: "{cm:LaunchProgram,Tafeldossier}"; Flags: nowait postinstall skipifsilent

[Code]
// The keys in Windows Credential Manager (keyring service "Tafeldossier"; keys "concepten"
// for the drafts and "document-cache" for the cache, dossier_app/store/keys.py KEY_NAMES).
// keyring's Windows backend keeps the key stored last under the service name and moves
// each earlier one to "<key>@Tafeldossier": remove all of them.
procedure DeleteCredential(Target: String);
var
  ResultCode: Integer;
begin
  Exec(ExpandConstant('{sys}\cmdkey.exe'), '/delete:' + Target, '', SW_HIDE,
       ewWaitUntilTerminated, ResultCode);
end;

procedure RemoveKeys();
begin
  DeleteCredential('Tafeldossier');
  DeleteCredential('concepten@Tafeldossier');
  DeleteCredential('document-cache@Tafeldossier');
end;

// The user's own data lives outside {app}: drafts (encrypted), settings, logs, cache.
// Removing them loses work, so the uninstaller asks, with "No" as the default, and
// never removes them when it runs silently.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{localappdata}\Tafeldossier');
  if (not DirExists(DataDir)) or UninstallSilent() then
    Exit;
  if MsgBox('Tafeldossier is verwijderd.' + #13#10#13#10 +
            'Uw concepten, instellingen en logbestanden staan nog in:' + #13#10 + DataDir + #13#10#13#10 +
            'Wilt u deze ook verwijderen? Concepten die u niet als casusbestand hebt opgeslagen, ' +
            'gaan dan definitief verloren.', mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    DelTree(DataDir, True, True, True);
    RemoveKeys();
  end;
end;
