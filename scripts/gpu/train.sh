#!/usr/bin/env bash
# On the lent GPU machine (no internet, no fonts): trains the bundled model's recipe (python/infimm/train/pipeline.py)
# on the GPU for TRAIN_MINUTES of wall-clock time, the batches rendered by DataLoader workers on the CPU cores, with
# the fonts and vocabulary that scripts/gpu/prepare-train.sh put in the carried folder. Writes under $OUT:
#   log.txt   everything: machine, preflight, throughput (samples/s) and GPU memory as it runs, loss and gates per
#             stage, the stage summaries, the held-out score (exact match on short questions, simulated OCR context)
#   model/    the model as bf16 safetensors shards of ≤ 16 MiB + model.safetensors.index.json + config.json +
#             tokenizer.model, rewritten every SAVE_EVERY seconds and at the end (export.py; at most 7 files in all)
# First a preflight (the tiny preset, one step a stage, every code path: loader, autocast, export, held-out score)
# so a broken setup fails in seconds, not after the long run. The long run stops itself at LIMIT_SECONDS from the
# start (its exports up to then stay in $OUT); the device tool's limit is 600 s.
#
# Settings (environment): DEVICE=cuda PRESET=base TRAIN_MINUTES=8 BATCH=256 WORKERS=(cores - 2) SAVE_EVERY=120
# HELDOUT=4 (samples per family) LOG_EVERY=25 (steps) LIMIT_SECONDS=570 PREFLIGHT=1 CARRY=.cache/gpu-train PYTHON=python3; STEPS=N
# (steps per stage instead of minutes), VOCAB=N (pieces, only where the carry has no tokenizer.model), WORK=DIR
# (the run's own folder: resume.pt, checkpoint/; default a temporary one).
# test/train/gpu-train.test.ts runs this very script on the CPU at toy size: DEVICE=cpu PRESET=tiny STEPS=2 ….
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:?OUT must name the folder for results}"
started=$SECONDS
carry=${CARRY:-.cache/gpu-train}
device=${DEVICE:-cuda}
preset=${PRESET:-base}
minutes=${TRAIN_MINUTES:-8}
batch=${BATCH:-256}
workers=${WORKERS:-$(($(nproc) > 3 ? $(nproc) - 2 : 1))}
save_every=${SAVE_EVERY:-120}
heldout=${HELDOUT:-4}
log_every=${LOG_EVERY:-25}
limit=${LIMIT_SECONDS:-570}
python=${PYTHON:-python3}
work=${WORK:-$(mktemp -d)}
root=$PWD
case $carry in /*) ;; *) carry=$root/$carry ;; esac

main() {
  echo "== $(date -u +%FT%TZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB; /dev/shm $(df -h /dev/shm | awk 'NR == 2 {print $4}') free"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  "$python" -c 'import sys, torch, PIL, numpy, sentencepiece; print("python", sys.version.split()[0], "torch", torch.__version__,
    "cuda", torch.cuda.is_available(), "PIL", PIL.__version__, "numpy", numpy.__version__, "sentencepiece", sentencepiece.__version__)' || return 1
  if [ -d "$carry/fonts" ]; then
    export INFIMM_FONTS=$carry/fonts
    echo "fonts: $INFIMM_FONTS ($(find "$INFIMM_FONTS" -name '*.ttf' | wc -l) files)"
  else
    echo "fonts: the system's (no $carry/fonts)"
  fi
  vocab=()
  [ -n "${VOCAB:-}" ] && vocab=(--vocab "$VOCAB")
  for dir in "$work/preflight" "$work/run"; do
    mkdir -p "$dir"
    [ -f "$carry/tokenizer.model" ] && cp "$carry/tokenizer.model" "$dir/"
  done
  [ -f "$carry/tokenizer.model" ] && echo "vocabulary: $carry/tokenizer.model" || echo "vocabulary: trained by the run"

  if [ "${PREFLIGHT:-1}" != 0 ]; then
    echo "== preflight: tiny preset, 1 step a stage ($((SECONDS - started)) s)"
    (cd python && PYTHONUNBUFFERED=1 timeout 120 "$python" -m infimm.train.pipeline --out "$work/preflight" --preset tiny \
      --device "$device" --workers 2 --batch 8 --steps 1 --log-every 1 --export "$work/preflight/export" --heldout 1 \
      "${vocab[@]}") || { echo "preflight failed: stopping before the long run"; return 1; }
  fi

  budget=(--minutes "$minutes")
  [ -n "${STEPS:-}" ] && budget=(--steps "$STEPS")
  left=$((limit - (SECONDS - started)))
  echo "== run: preset $preset, ${budget[*]}, batch $batch, $workers workers, $device; stops by itself in $left s ($((SECONDS - started)) s)"
  (cd python && PYTHONUNBUFFERED=1 timeout --signal=INT --kill-after=15 "$left" "$python" -m infimm.train.pipeline \
    --out "$work/run" --preset "$preset" --device "$device" --workers "$workers" --batch "$batch" \
    --save-every "$save_every" --log-every "$log_every" --export "$OUT/model" --heldout "$heldout" "${budget[@]}" "${vocab[@]}")
  rc=$?
  rm -f "$OUT"/model/*.tmp
  # The stage summaries and the held-out score (per family, then every answer) into the log.
  "$python" - "$work/run" <<'PY'
import json, os, sys
run = sys.argv[1]
if os.path.exists(f"{run}/summary.json"):
    stages = json.load(open(f"{run}/summary.json"))
    seconds = sum(s["seconds"] for s in stages)
    print("== summary", json.dumps(stages))
    print(f"== {stages[-1]['samples_total']} training images rendered and trained on in {seconds} s: "
          f"{stages[-1]['samples_total'] / max(1, seconds):.1f} samples/s")
if os.path.exists(f"{run}/heldout.json"):
    score = json.load(open(f"{run}/heldout.json"))
    print("== held-out", json.dumps({k: v for k, v in score.items() if k != "answers"}))
    for a in score["answers"]:
        print(f"  {'ok ' if a['correct'] else 'no '} {a['family']:9} {a['kind']:10} {a['question']!r} -> {a['output']!r} (truth {a['answer']!r})")
PY
  echo "== exit $rc after $((SECONDS - started)) s; \$OUT holds: $(cd "$OUT" && find . -type f | sort | tr '\n' ' ')"
  return $rc
}

main 2>&1 | tee "$OUT/log.txt"
exit "${PIPESTATUS[0]}"
