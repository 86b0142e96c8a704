#!/usr/bin/env bash
# Downloads Debian 12 (bookworm, amd64) packages into a folder, with apt lists of its own in a scratch folder,
# so the system's apt sources stay as they are. Packages named NAME/bookworm-backports come from backports.
# Usage: scripts/gpu/debs.sh OUT_DIR PACKAGE...
set -euo pipefail
out=$1
shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out" "$scratch/lists/partial"
cat >"$scratch/sources.list" <<'LIST'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-backports main
LIST
apt_opts=(-q -o "Dir::Etc::SourceList=$scratch/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$scratch/lists" -o APT::Architecture=amd64 -o APT::Architectures=amd64
  -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$out" && apt-get "${apt_opts[@]}" download "$@")
