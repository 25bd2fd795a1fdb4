; Inno Setup 6 script: IMb Tracker for Windows, installed per user (no administrator needed).
;
; Build on Windows after the one-folder build (see installer/README.md and .github/workflows/release.yml):
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\imb-tracker.spec
;   iscc /DAppVersion=0.1.0 installer\windows\imb-tracker.iss
; Output: dist\imb-tracker-<version>-windows-x64-setup.exe
;
; What it does: copies dist\imb-tracker\ (imb-tracker.exe, the window; imb-tracker-cli.exe, the
; command line) to %LOCALAPPDATA%\Programs\IMb Tracker, adds a Start-menu entry (and, if ticked,
; a desktop icon), and registers an uninstaller in Settings > Apps.  An administrator may choose
; "for all users" instead (Program Files).
;
; File association: none.  The app has no file format of its own; its exports are CSV and XLSX,
; which belong to the user's spreadsheet program.  Letters, scans and settings live in
; %LOCALAPPDATA%\imb-tracker and are kept when the app is uninstalled.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 installer\windows\imb-tracker.iss
#endif
#define AppName "IMb Tracker"
#define AppExe "imb-tracker.exe"
#define Root "..\.."

[Setup]
; The AppId identifies the app to Windows across versions (upgrades, uninstall): never change it.
AppId={{90957811-6F46-48E4-B914-07F075959A4D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=IMb Tracker contributors
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
LicenseFile={#Root}\LICENSE
SetupIconFile={#Root}\resources\icons\imb-tracker.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#Root}\dist
OutputBaseFilename=imb-tracker-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\imb-tracker\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An older version's libraries, so nothing stale is loaded after an upgrade.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Print Intelligent Mail barcodes and track letters"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
