#!/usr/bin/env bash
# On a lent GPU machine (no internet, no Node.js): unpacks what scripts/gpu/prepare.sh put in .cache/gpu-carry,
# runs the runtime's model on WebGPU and on the CPU over the same packages and image, and writes the results
# under $OUT: check.md (the tables of docs/gpu.md), tiny.json and bench.json (everything measured), log.txt.
#   1. the tiny parity packages: every graph on WebGPU, answers equal the CPU's;
#   2. a ~1B-parameter package (random weights from the PyTorch reference, converted here to int4): speed.
# The whole run stays under 9 minutes; each step has its own limit, and what finished is kept.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${OUT:?OUT must name the folder for results}"
started=$SECONDS
carry=.cache/gpu-carry
work=$(mktemp -d)
exec > >(tee "$OUT/log.txt") 2>&1
left() { echo $((540 - (SECONDS - started))); }

# The Vulkan loader (the machine has none) and the NVIDIA driver's Vulkan ICD.
for deb in "$carry"/gl/*.deb; do dpkg -x "$deb" /; done
ldconfig
if ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
for archive in node app packages; do tar -xJf "$carry/$archive.tar.xz" -C "$work"; done
node=$work/node/bin/node
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
# Peak memory bandwidth from the maker's data sheets, for the decode roofline.
case "$gpu" in
  *H100*HBM3* | *H100*SXM*) bandwidth=3350 ;;
  *H100*PCIe*) bandwidth=2000 ;;
  *H200*) bandwidth=4800 ;;
  *) bandwidth=0 ;;
esac
echo "== $gpu, $bandwidth GB/s; node $($node --version); $(nproc) CPU cores"
nvidia-smi --query-gpu=driver_version,memory.total,clocks.max.sm --format=csv

image=media/samples/ui-screenshot.png
check() { timeout "$1" "$node" "$work/app/check.mjs" --image "$image" --threads 0 "${@:2}"; }

echo "== tiny parity packages ($(left) s left)"
tiny=()
for dir in "$work"/packages/*/; do tiny+=("--package=$(basename "$dir")=$dir"); done
check 180 "${tiny[@]}" --tokens 32 --repeats 3 --out "$OUT/tiny.json" | tee "$OUT/check.md"
echo "tiny check exit ${PIPESTATUS[0]}"

echo "== ~1B package: random checkpoint, conversion to int4 ($(left) s left)"
(cd python && timeout 120 python3 -m infimm.reference random --preset 1b --seed 7 --format safetensors --dtype bf16 \
  --tokenizer "$OLDPWD/$carry/tokenizer.model" --out "$work/checkpoint-1b") &&
  timeout $(($(left) - 150)) "$node" "$work/app/cli.mjs" "$work/checkpoint-1b" "$work/1b-int4" --weights int4 &&
  rm -rf "$work/checkpoint-1b" &&
  check $(($(left) - 10)) "--package=1b-int4=$work/1b-int4" --tokens 64 --repeats 3 --max-tiles 16 \
    --bandwidth-gbs "$bandwidth" --out "$OUT/bench.json" | tee -a "$OUT/check.md"
echo "1b check exit ${PIPESTATUS[0]}; $((SECONDS - started)) s in all"
