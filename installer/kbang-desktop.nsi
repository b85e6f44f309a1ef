; NSIS script: wraps the one-folder build (dist\kbang-desktop\, from `make dist` on Windows) into one
; installer, dist\KbangDesktop-<version>-setup.exe, to carry on a USB stick. NSIS 3 ships Vietnamese.
;   makensis /DVERSION=0.1.0 installer\kbang-desktop.nsi        (or: make installer)
; Installs for the current user (no administrator needed on a commune PC). The database and backups
; are never in the program folder: they live in the user's data folder (%LOCALAPPDATA%\KbangDesktop),
; so an upgrade or an uninstall leaves them alone. A portable copy: see README, "Portable".

Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef SOURCE
  !define SOURCE "..\dist\kbang-desktop"
!endif
!define APP "Kbang Desktop"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\KbangDesktop"

Name "${APP} ${VERSION}"
OutFile "..\dist\KbangDesktop-${VERSION}-setup.exe"
InstallDir "$LOCALAPPDATA\Programs\Kbang Desktop"
InstallDirRegKey HKCU "Software\KbangDesktop" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
!define MUI_ICON "..\resources\icons\kbang.ico"
!define MUI_UNICON "..\resources\icons\kbang.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\kbang-desktop.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

LangString SelfTestFailed ${LANG_VIETNAMESE} "Bản cài đặt chưa chạy được (tự kiểm tra không đạt). Hãy chép lại bộ cài từ USB rồi cài lại."
LangString SelfTestFailed ${LANG_ENGLISH} "The installation does not work (its self-test failed). Copy the installer from the USB stick again and reinstall."

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APP}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "${APP}: xây dựng xã hội học tập"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "GPL-3.0-or-later"

Section "Kbang Desktop" Main
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program files only; the data folder is elsewhere and is migrated,
  ; after a backup, the first time the new version opens it.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\kbang-desktop.exe"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\kbang-desktop.exe"
  WriteRegStr HKCU "Software\KbangDesktop" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\kbang-desktop.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ; The installed program checks itself: a temporary database, one certificate, the window offscreen.
  ExecWait '"$INSTDIR\kbang.exe" --self-test' $0
  IntCmp $0 0 +2
    MessageBox MB_ICONEXCLAMATION|MB_OK "$(SelfTestFailed)"
SectionEnd

Section "Uninstall"
  ; Only the program: the data folder (database, backups, keys) stays, to be reinstalled over.
  Delete "$SMPROGRAMS\${APP}\${APP}.lnk"
  RMDir "$SMPROGRAMS\${APP}"
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\kbang-desktop.exe"
  Delete "$INSTDIR\kbang.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\KbangDesktop"
SectionEnd
