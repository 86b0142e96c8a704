#!/usr/bin/env bash
# `npm run train`: trains the bundled model on this machine's CPU cores and converts it into models/default.
#   1. a pool of training images read by the runtime's own OCR stage (python/infimm/data/real_ocr.py);
#   2. the four-stage recipe under torchrun, one process per core (python/infimm/train/pipeline.py), resuming
#      from .cache/train/run/resume.pt when a run was stopped;
#   3. continued training of that model on new images, fifteen times (.cache/train/run2 to run12, run14 to run17: later
#      sessions' compute added to the first run's; run5 on a vocabulary trained anew, run6 first drilling lookups
#      in the OCR context, run7 also on real code-server screenshots captured by
#      scripts/capture-workbenches.ts, two captures side by side, 60 screenshots in all, run8 on 158 of them
#      read by the real OCR stage, a 384-token OCR context (256 before) and 30% of its samples from the
#      screenshots, run9 and run10 on new screenshots,
#      run10 also on made-up names and the simulated OCR in blocks, run11 on code rows with their line numbers
#      and a 512-token OCR context, run12 on contexts made for the first question and line-number lookups, run14
#      on 120 new screenshots alone, run15 on those and 120 more, run16 on those and 120 more again, run17 on those
#      and 80 more),
#      each resuming the same way;
#   4. the final checkpoint converted into a package.
# TRAIN_MINUTES sets the wall-clock budget of step 2 (default 110); CONTINUE=0 skips step 3.
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
torchrun() {
  (cd python && nice -n 10 "$PYTHON" -m torch.distributed.run --standalone --nproc_per_node="$(nproc)" --redirects 1 --tee 1 \
    -m infimm.train.pipeline --preset small --ocr-pool "../$POOL" "$@")
}
torchrun --out ../.cache/train/run --minutes "${TRAIN_MINUTES:-110}"
final=.cache/train/run/checkpoint
if [ "${CONTINUE:-1}" != 0 ]; then
  CAPTURES=.cache/captures/train
  CAPTURES9=.cache/captures/run9
  CAPTURES10=.cache/captures/run10
  CAPTURES14=.cache/captures/run14
  CAPTURES15=.cache/captures/run15
  CAPTURES16=.cache/captures/run16
  CAPTURES17=.cache/captures/run17
  # Screenshots of code-server (OUT COUNT --seed N), and a folder's screenshots read by the runtime's OCR stage.
  capture() { npx tsx scripts/capture-workbenches.ts "$@"; }
  # Two captures side by side into one folder: OUT COUNT SEED COUNT SEED.
  capture_two() {
    capture "$1" "$2" --seed "$3" &
    capture "$1" "$4" --seed "$5"
    wait
  }
  read_screenshots() { ls "$1"/*.png | xargs -n 90 node --import tsx src/cli/ocr.ts --json > "$1/ocr.jsonl"; }
  capture_two "$CAPTURES" 30 11 30 12
  # Each continuation: output, minutes, learning-rate scale, first sample index (images no run has seen), then
  # options of its own (they override the default stages).
  for continuation in "run2 140 0.5 100000" "run3 133 0.4 200000" "run4 122 0.35 300000" \
    "run5 130 0.5 400000 --new-vocab --stages pt,dra,ift" "run6 118 0.5 500000 --stages copy,dra,ift" \
    "run7 65 0.5 600000 --captures ../$CAPTURES" \
    "run8 60 0.5 700000 --captures ../$CAPTURES --capture-share 0.3" \
    "run9 55 0.5 800000 --captures ../$CAPTURES9 --capture-share 0.3" \
    "run10 65 0.5 900000 --captures ../$CAPTURES9 ../$CAPTURES10 --capture-share 0.3" \
    "run11 105 0.5 2000000 --captures ../$CAPTURES9 ../$CAPTURES10 --capture-share 0.3" \
    "run12 115 0.5 3000000 --captures ../$CAPTURES9 ../$CAPTURES10 --capture-share 0.3" \
    "run14 72 0.5 6000000 --captures ../$CAPTURES14 --capture-share 0.35" \
    "run15 75 0.5 7000000 --captures ../$CAPTURES14 ../$CAPTURES15 --capture-share 0.35" \
    "run16 78 0.5 8000000 --captures ../$CAPTURES14 ../$CAPTURES15 ../$CAPTURES16 --capture-share 0.35" \
    "run17 90 0.5 9000000 --captures ../$CAPTURES14 ../$CAPTURES15 ../$CAPTURES16 ../$CAPTURES17 --capture-share 0.35"; do
    read -r out minutes lr_scale first own <<<"$continuation"
    if [ "$out" = run8 ]; then
      # About a hundred more screenshots, and every screenshot's real OCR lines (training's OCR context for them).
      capture_two "$CAPTURES" 51 13 47 14
      read_screenshots "$CAPTURES"
    fi
    if [ "$out" = run9 ]; then
      # Screenshots no earlier run saw, in a folder of their own.
      capture_two "$CAPTURES9" 36 15 37 16
      capture_two "$CAPTURES9" 11 17 21 18
      read_screenshots "$CAPTURES9"
    fi
    if [ "$out" = run10 ]; then
      # A hundred more, beside the ninth run's.
      capture_two "$CAPTURES10" 50 19 50 20
      read_screenshots "$CAPTURES10"
    fi
    if [ "$out" = run14 ]; then
      # 120 screenshots no earlier run saw (folders named as projects are), taken before the run: captures
      # beside a training run take four times as long and starve it.
      capture_two "$CAPTURES14" 40 25 40 26
      capture "$CAPTURES14" 40 --seed 27
      read_screenshots "$CAPTURES14"
    fi
    if [ "$out" = run15 ]; then
      # 120 more beside the fourteenth run's, also taken first.
      capture_two "$CAPTURES15" 60 28 60 29
      read_screenshots "$CAPTURES15"
    fi
    if [ "$out" = run16 ]; then
      # 120 more again (taken with the ten command templates of before; later captures draw from seventeen).
      capture_two "$CAPTURES16" 60 30 60 31
      read_screenshots "$CAPTURES16"
    fi
    if [ "$out" = run17 ]; then
      # 80 more, with the seventeen command templates.
      capture_two "$CAPTURES17" 40 32 40 33
      read_screenshots "$CAPTURES17"
    fi
    # shellcheck disable=SC2086  # $own is a list of options
    torchrun --out "../.cache/train/$out" --minutes "$minutes" --init "../$final" \
      --stages dra,ift --lr-scale "$lr_scale" --first-sample "$first" $own
    final=.cache/train/$out/checkpoint
  done
fi
mkdir -p models
node --import tsx src/convert/cli.ts "$final" models/default --name InfiMM-HD-small --card ../../docs/model.md --force
