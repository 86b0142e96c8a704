#!/usr/bin/env bash
# `npm run train`: trains the bundled model on this machine's CPU cores and converts it into models/default.
#   1. a pool of training images read by the runtime's own OCR stage (python/infimm/data/real_ocr.py);
#   2. the four-stage recipe under torchrun, one process per core (python/infimm/train/pipeline.py), resuming
#      from .cache/train/run/resume.pt when a run was stopped;
#   3. the final checkpoint converted into a package.
# TRAIN_MINUTES sets the wall-clock budget of step 2 (default 115).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=/usr/bin/python3
POOL=.cache/train/ocr-pool
if [ ! -s "$POOL/ocr.jsonl" ]; then
  (cd python && "$PYTHON" -m infimm.data.real_ocr --out "../$POOL" --per-family 80)
  # In batches of 90 images: one OCR engine per batch, and a partial pool survives an interruption.
  ls "$POOL"/*.png | xargs -n 90 node --import tsx src/cli/ocr.ts --json > "$POOL/ocr.jsonl.tmp"
  mv "$POOL/ocr.jsonl.tmp" "$POOL/ocr.jsonl"
fi
cores=$(nproc)
(cd python && nice -n 10 "$PYTHON" -m torch.distributed.run --standalone --nproc_per_node="$cores" --redirects 1 --tee 1 \
  -m infimm.train.pipeline --out ../.cache/train/run --minutes "${TRAIN_MINUTES:-115}" --preset small --ocr-pool "../$POOL")
mkdir -p models
node --import tsx src/convert/cli.ts .cache/train/run/checkpoint models/default --name InfiMM-HD-small --card ../../docs/model.md --force
