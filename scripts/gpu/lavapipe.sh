#!/usr/bin/env bash
# Unpacks Mesa's lavapipe (a Vulkan driver that runs on the CPU) and the Vulkan loader into .cache/lavapipe/,
# so the WebGPU execution provider can be tested on a machine without a GPU (test/gpu). Debian 12's own
# Mesa 22 is too old for Dawn (it lacks shaderUniform*ArrayDynamicIndexing); bookworm-backports has Mesa 25.
# Nothing is installed system-wide: the tests point VK_ICD_FILENAMES and LD_LIBRARY_PATH at the folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.cache/lavapipe
icd=$dest/unpacked/usr/share/vulkan/icd.d/lvp_icd.json
if [ -f "$icd" ]; then
  echo "lavapipe already in $dest"
  exit 0
fi
rm -rf "$dest"
mkdir -p "$dest/debs" "$dest/unpacked"
# libllvm15 and the newer libdrm are what this lavapipe links against beyond a base system.
bash scripts/gpu/debs.sh "$dest/debs" mesa-vulkan-drivers/bookworm-backports libvulkan1 libllvm15 \
  libdrm2/bookworm-backports libdrm-amdgpu1/bookworm-backports
for deb in "$dest"/debs/*.deb; do dpkg -x "$deb" "$dest/unpacked"; done
rm -rf "$dest/debs"
lib=$dest/unpacked/usr/lib/x86_64-linux-gnu
missing=$(LD_LIBRARY_PATH=$lib ldd "$lib/libvulkan_lvp.so" | grep 'not found' || true)
if [ -n "$missing" ]; then
  echo "lavapipe lacks libraries: $missing" >&2
  exit 1
fi
echo "lavapipe unpacked in $dest"
