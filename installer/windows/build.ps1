<#
.SYNOPSIS
  Build the Yoriai client for Windows: the PyInstaller bundle, its self-test, and the MSI.

.DESCRIPTION
  Runs ON WINDOWS (x64), from anywhere; the Windows payload cannot be built on Linux.
  Needs:
    * Python 3.11 (x64) from python.org, and uv (https://docs.astral.sh/uv/; `pip install uv`);
    * WiX Toolset v3.14 (candle.exe, light.exe, heat.exe; its installer sets %WIX%).
  Steps:
    1. a clean build environment (.venv-windows) from uv.lock, plus PyInstaller;
    2. pyinstaller installer\yoriai.spec  ->  dist\yoriai\ (yoriai.exe, yoriai-policy.exe, _internal\);
    3. dist\yoriai\yoriai.exe --self-test: the build fails if the bundle fails it;
    4. heat harvests dist\yoriai\_internal, candle and light build
       dist\yoriai-<version>-x64.msi from installer\windows\yoriai.wxs;
    5. optionally signs both executables (before they go into the MSI) and the MSI
       (-SignThumbprint).
  The same .wxs is checked on Linux by installer/windows/wixl_check.py (CI); only this
  script makes an MSI to ship.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
.EXAMPLE
  installer\windows\build.ps1 -SignThumbprint 0123456789ABCDEF0123456789ABCDEF01234567 -TimestampUrl http://tsa.example.lan
#>
[CmdletBinding()]
param(
    [string] $SignThumbprint = "",
    # Timestamping asks a public server: leave empty on a closed network.
    [string] $TimestampUrl = "",
    # Bundle faster-whisper too (large: ctranslate2 and onnxruntime).
    [switch] $WithWhisper,
    [switch] $SkipSelfTest
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root
$started = Get-Date

function Step([string] $what) { Write-Host "==> $what" -ForegroundColor Cyan }
function Need([string] $exe, [string] $hint) {
    if (-not (Get-Command $exe -ErrorAction SilentlyContinue)) { throw "$exe not found: $hint" }
}
function Run([string] $exe, [string[]] $arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe failed with exit code $LASTEXITCODE" }
}
function Sign([string] $file) {
    Need "signtool.exe" "install the Windows SDK signing tools"
    $arguments = @("sign", "/sha1", $SignThumbprint, "/fd", "SHA256")
    if ($TimestampUrl) { $arguments += @("/tr", $TimestampUrl, "/td", "SHA256") }
    Run "signtool.exe" ($arguments + @($file))
}

# ---------------------------------------------------------------- tools
if (-not [Environment]::Is64BitOperatingSystem) { throw "build on 64-bit Windows" }
Need "uv" "pip install uv (or see https://docs.astral.sh/uv/)"
$WixBin = if ($env:WIX) { Join-Path $env:WIX "bin" } else { "" }
foreach ($tool in "heat.exe", "candle.exe", "light.exe") {
    if (-not ($WixBin -and (Test-Path (Join-Path $WixBin $tool)))) {
        throw "WiX Toolset v3 not found ($tool): install WiX 3.14, which sets %WIX%"
    }
}
$Version = (Select-String -Path "pyproject.toml" -Pattern '^version = "(.+)"').Matches[0].Groups[1].Value

# ---------------------------------------------------------------- 1. environment
Step "build environment from uv.lock"
$env:UV_PROJECT_ENVIRONMENT = Join-Path $Root ".venv-windows"
$extras = @("--extra", "pyttsx3")
if ($WithWhisper) { $extras += @("--extra", "whisper"); $env:YORIAI_BUNDLE_WHISPER = "1" }
Run "uv" (@("sync", "--frozen", "--no-dev") + $extras)
Run "uv" @("pip", "install", "--python", "$env:UV_PROJECT_ENVIRONMENT\Scripts\python.exe", "pyinstaller")

# ---------------------------------------------------------------- 2. bundle
Step "PyInstaller one-folder bundle"
$Dist = Join-Path $Root "dist"
Run "$env:UV_PROJECT_ENVIRONMENT\Scripts\pyinstaller.exe" @(
    "--noconfirm", "--clean", "--distpath", $Dist, "--workpath", (Join-Path $Root "build\pyinstaller"),
    "installer\yoriai.spec")
$Bundle = Join-Path $Dist "yoriai"
if ($SignThumbprint) {
    # Before the MSI is built, so that the executables it installs are the signed ones.
    Step "signing the executables"
    Sign (Join-Path $Bundle "yoriai.exe")
    Sign (Join-Path $Bundle "yoriai-policy.exe")
}
$BundleBytes = (Get-ChildItem $Bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum

# ---------------------------------------------------------------- 3. self-test
if (-not $SkipSelfTest) {
    Step "bundle self-test"
    # yoriai.exe is a windowed program: it writes its report to a file, not a console.
    $Report = Join-Path $Root "build\selftest.txt"
    $proc = Start-Process -FilePath (Join-Path $Bundle "yoriai.exe") -Wait -PassThru -NoNewWindow `
        -ArgumentList @("--self-test", "--output", "`"$Report`"")
    Get-Content $Report | Write-Host
    if ($proc.ExitCode -ne 0) { throw "the bundle failed its self-test (exit $($proc.ExitCode))" }
}

# ---------------------------------------------------------------- 4. MSI
Step "MSI with WiX 3"
$Obj = Join-Path $Root "build\wix"
New-Item -ItemType Directory -Force -Path $Obj | Out-Null
# Everything under _internal becomes ComponentGroup "Payload"; yoriai.wxs names the two .exe.
Run (Join-Path $WixBin "heat.exe") @(
    "dir", (Join-Path $Bundle "_internal"), "-nologo", "-cg", "Payload", "-dr", "INSTALLDIR",
    "-gg", "-sfrag", "-sreg", "-scom", "-ke", "-var", "var.InternalDir",
    "-out", (Join-Path $Obj "payload.wxs"))
Run (Join-Path $WixBin "candle.exe") @(
    "-nologo", "-arch", "x64", "-dVersion=$Version", "-dToolset=wix3",
    "-dPayloadDir=$Bundle", "-dInternalDir=$(Join-Path $Bundle '_internal')",
    "-out", "$Obj\", "installer\windows\yoriai.wxs", (Join-Path $Obj "payload.wxs"))
$Msi = Join-Path $Dist "yoriai-$Version-x64.msi"
Run (Join-Path $WixBin "light.exe") @(
    "-nologo", "-out", $Msi, (Join-Path $Obj "yoriai.wixobj"), (Join-Path $Obj "payload.wixobj"))

if ($SignThumbprint) {
    Step "signing the MSI"
    Sign $Msi
}

$seconds = [math]::Round(((Get-Date) - $started).TotalSeconds, 1)
$figures = [ordered]@{
    msi = $Msi; msi_bytes = (Get-Item $Msi).Length; bundle_bytes = $BundleBytes;
    build_s = $seconds; version = $Version
}
Write-Host "built $Msi"
$figures | ConvertTo-Json -Compress
