#!/usr/bin/env bash
# Local stand-ins that speak the real Google protocols, for the contract and emulated-cloud tests:
#   .tools/firestore   npm @firestore-emulator/server (Firestore gRPC API, Node)
#   .tools/tasks-venv  PyPI gcloud-tasks-emulator (needs protobuf<5, hence its own venv), made with
#                      uv when $UV names it (make does: 4 s instead of 25 s), else with venv and pip
# The Cloud Storage emulator (gcp-storage-emulator) is a dev requirement of the main venv.
# The two install at once: each mostly waits on its registry.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
mkdir -p .tools

firestore() {
  [ -f .tools/firestore/node_modules/@firestore-emulator/server/package.json ] && return
  mkdir -p .tools/firestore
  npm install --silent --no-audit --no-fund --prefix .tools/firestore @firestore-emulator/server@0.3.15
}

tasks() {
  [ -x .tools/tasks-venv/bin/gcloud-tasks-emulator ] && return
  if [ -n "${UV:-}" ]; then
    "$UV" venv --quiet --allow-existing --python "$PYTHON" .tools/tasks-venv
    "$UV" pip install --quiet --python .tools/tasks-venv/bin/python gcloud-tasks-emulator==0.6.2 'protobuf<5'
  else
    "$PYTHON" -m venv .tools/tasks-venv
    .tools/tasks-venv/bin/pip install --quiet gcloud-tasks-emulator==0.6.2 'protobuf<5'
  fi
}

firestore &
npm_pid=$!
tasks
wait "$npm_pid"
