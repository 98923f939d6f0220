#!/usr/bin/env bash
# Local stand-ins that speak the real Google protocols, for the contract and emulated-cloud tests:
#   .tools/firestore   npm @firestore-emulator/server (Firestore gRPC API, Node)
#   .tools/tasks-venv  PyPI gcloud-tasks-emulator (needs protobuf<5, hence its own venv)
# The Cloud Storage emulator (gcp-storage-emulator) is a dev requirement of the main venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
mkdir -p .tools
if [ ! -f .tools/firestore/node_modules/@firestore-emulator/server/package.json ]; then
  mkdir -p .tools/firestore
  npm install --silent --no-audit --no-fund --prefix .tools/firestore @firestore-emulator/server@0.3.15
fi
if [ ! -x .tools/tasks-venv/bin/gcloud-tasks-emulator ]; then
  "$PYTHON" -m venv .tools/tasks-venv
  .tools/tasks-venv/bin/pip install --quiet gcloud-tasks-emulator==0.6.2 'protobuf<5'
fi
