#!/usr/bin/env bash
# Installs what building, testing and running melanoscreen needs on Debian 12 (or Raspberry Pi OS bookworm):
# a JDK (17 or newer), Maven, libjpeg-turbo's TurboJPEG library (fast JPEG decoding), Debian's Python packages
# for the model recipe, the DICOM checkers the tests run (dciodvfy from dicom3tools, dcmdump and dcmj2pnm from
# dcmtk) and the PACS the outbox tests start on a loopback port of their own (orthanc, orthanc-dicomweb; Debian
# also enables an orthanc service on port 8042, which the tests do not use). Idempotent; apt-get runs only when something is missing. Run as root, or as a user
# allowed to sudo.
set -euo pipefail

missing=()
if ! command -v javac >/dev/null 2>&1 || ! javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])'; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
/sbin/ldconfig -p | grep -q 'libturbojpeg\.so\.0 ' || missing+=(libturbojpeg0)
command -v dciodvfy >/dev/null 2>&1 || missing+=(dicom3tools)
{ command -v dcmdump && command -v dcmj2pnm; } >/dev/null 2>&1 || missing+=(dcmtk)
[ -x /usr/sbin/Orthanc ] || missing+=(orthanc)
[ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || missing+=(orthanc-dicomweb)
# the fleet view's tests start their own broker on a loopback port (in /usr/sbin, outside a user's PATH)
{ [ -x /usr/sbin/mosquitto ] && command -v mosquitto_passwd; } >/dev/null 2>&1 || missing+=(mosquitto)
if ! /usr/bin/python3 -c 'import torch, torchvision, onnx, numpy, PIL' >/dev/null 2>&1; then
  missing+=(python3 python3-torch python3-torchvision python3-onnx python3-numpy python3-pil)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "dev-setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "dev-setup: $(javac -version 2>&1), $(mvn -v 2>/dev/null | head -n1), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')" >&2
