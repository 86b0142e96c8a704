#!/usr/bin/env bash
# Prepares what scripts/gpu/train.sh needs on the lent GPU machine, which has no fonts and no internet, into one
# git-ignored folder that the device tool carries (default .cache/gpu-train/):
#   fonts/{dejavu,liberation,noto}/   the font files the generators draw with (render.FONT_FILES), for INFIMM_FONTS;
#   tokenizer.model                   the run's SentencePiece vocabulary, trained here (vocab.py) so that the
#                                     10-minute call spends none of it on that.
# Then checks the size against the device tool's 64 MiB and prints the call to make.
# Usage: scripts/gpu/prepare-train.sh [CARRY_DIR]
#   VOCAB=4096 VOCAB_SAMPLES=150 (pieces, and generated samples per family it is trained on); INFIMM_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/../.."
carry=${1:-.cache/gpu-train}
python=${INFIMM_PYTHON:-/usr/bin/python3}
vocab=${VOCAB:-4096}
samples=${VOCAB_SAMPLES:-150}
rm -rf "$carry"
mkdir -p "$carry/fonts"
carry=$(cd "$carry" && pwd)

# The system's fonts (INFIMM_FONTS unset), each file the generators open, under its render.FONT_DIRS key.
(cd python && env -u INFIMM_FONTS "$python" -c '
from infimm.data.render import FONT_DIRS, FONT_FILES
for key, name in FONT_FILES:
    print(key, FONT_DIRS[key] + name)') | while read -r key path; do
  mkdir -p "$carry/fonts/$key"
  cp "$path" "$carry/fonts/$key/"
done

started=$SECONDS
(cd python && INFIMM_FONTS="$carry/fonts" "$python" -c "
from infimm.train.vocab import train_vocabulary
train_vocabulary('$carry/tokenizer.model', $vocab, samples_per_family=$samples)")
echo "vocabulary: $vocab pieces from $samples samples per family in $((SECONDS - started)) s"

du -ah "$carry" | sort -h | tail -4
total=$(du -sb "$carry" | cut -f1)
tree=0
if git rev-parse --git-dir >/dev/null 2>&1; then
  tree=$(git ls-files -co --exclude-standard -z | du -cb --files0-from=- | tail -1 | cut -f1)
fi
echo "carry $((total / 1048576)) MiB + working tree $((tree / 1048576)) MiB (the device tool takes 64 MiB in all)"
[ $((total + tree)) -lt $((64 * 1048576)) ] || { echo "too large for one call" >&2; exit 1; }
cat <<CALL

Device-tool call (one call; a 30-second preflight, then 8 minutes of training; it stops itself by 9.6 minutes):
  run(carry: ["${carry#"$PWD/"}"], timeout_s: 600, command: "bash scripts/gpu/train.sh")
Then bring the result home as docs/gpu.md says ("Training on the GPU machine").
CALL
