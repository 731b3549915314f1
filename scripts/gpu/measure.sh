#!/usr/bin/env bash
# Training throughput on a lent GPU machine (the `device` tool): WebGPU (Dawn on the NVIDIA Vulkan driver)
# against wasm, and tfjs-node-gpu where a carried install exists. Uses what scripts/gpu/prepare.sh put in .gpu/.
#   on the device:  run(carry: [".gpu"], command: "bash scripts/gpu/measure.sh", timeout_s: 480)
#   here, no GPU:   BALER_GPU_LOCAL=1 OUT=/tmp/gpu-out bash scripts/gpu/measure.sh   (the wasm part and the report;
#                   uses this machine's node and nothing is unpacked into /)
# Writes under $OUT: summary.json (the figures), bench-train.json (all rows), adapter.json, doctor.txt,
# gpu.txt (nvidia-smi), measure.log. Exits 0 when the wasm figures exist, whatever happened to the GPU ones.
set -uo pipefail
: "${OUT:?OUT must name the folder for the results}"
repo=$(cd "$(dirname "$0")/../.." && pwd)
gpu_dir="$repo/.gpu"
mkdir -p "$OUT"
work=$(mktemp -d)
log() { echo "[measure $(date +%H:%M:%S)] $*" | tee -a "$OUT/measure.log"; }
unxz_to() { # xz may be missing on a bare machine; Python's lzma is not
  if command -v xz >/dev/null; then xz -dc "$1" > "$2"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}
untar_xz() { unxz_to "$1" "$work/unpack.tar" && tar -C "$2" -xf "$work/unpack.tar" && rm -f "$work/unpack.tar"; }

[ -f "$gpu_dir/app.tar.xz" ] || { log ".gpu/app.tar.xz missing: run scripts/gpu/prepare.sh first and carry .gpu"; exit 1; }
app="$work/app"; mkdir -p "$app"
untar_xz "$gpu_dir/app.tar.xz" "$app" || { log "could not unpack the bundles"; exit 1; }

if [ -n "${BALER_GPU_LOCAL:-}" ]; then
  NODE=$(command -v node)
  log "local test: node $($NODE --version) from $NODE; no packages unpacked into /"
else
  unxz_to "$gpu_dir/node.xz" "$work/node" && chmod +x "$work/node"
  NODE="$work/node"
  log "node $($NODE --version)"
  # The Vulkan loader: as the device README says, unpacked into / (the machine is given back afterwards).
  for f in "$gpu_dir"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; log "Vulkan ICD: $icd"; fi
  egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"
fi
{ nvidia-smi 2>&1 || echo "nvidia-smi not available"; } > "$OUT/gpu.txt"
ldconfig -p 2>/dev/null | grep -E "libvulkan|libcuda\.so|libcudart|libcudnn" >> "$OUT/gpu.txt"

backends=webgpu,wasm
if [ -f "$gpu_dir/tfjs-node-gpu.tar.xz" ]; then
  mkdir -p "$work/tfjs-node-gpu" && untar_xz "$gpu_dir/tfjs-node-gpu.tar.xz" "$work/tfjs-node-gpu" && export BALER_TFJS_NODE_PATH="$work/tfjs-node-gpu"
  backends=tfjs-node-gpu,$backends
  log "tfjs-node-gpu carried: BALER_TFJS_NODE_PATH=$BALER_TFJS_NODE_PATH"
else
  log "tfjs-node-gpu not carried (its install downloads libtensorflow; this machine is offline): not measured"
fi

log "WebGPU adapter"
cat > "$work/adapter.mjs" <<'JS'
const { create, globals } = await import(process.argv[2]);
Object.assign(globalThis, globals);
const gpu = create([]);
const out = {};
for (const powerPreference of ['high-performance', 'low-power']) {
  const a = await gpu.requestAdapter({ powerPreference });
  out[powerPreference] = a && { info: Object.fromEntries(['vendor', 'architecture', 'device', 'description', 'isFallbackAdapter'].map((k) => [k, a.info?.[k]])),
    limits: { maxBufferSize: a.limits.maxBufferSize, maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize, maxComputeInvocationsPerWorkgroup: a.limits.maxComputeInvocationsPerWorkgroup } };
}
console.log(JSON.stringify(out, null, 2));
process.exit(0);
JS
timeout 60 "$NODE" "$work/adapter.mjs" "$app/node_modules/webgpu/index.js" > "$OUT/adapter.json" 2>> "$OUT/measure.log" || log "adapter probe failed (see measure.log)"
timeout 120 "$NODE" "$app/dist/cli.js" doctor --backend webgpu > "$OUT/doctor.txt" 2>> "$OUT/measure.log"
log "$(head -1 "$OUT/doctor.txt")"

log "training throughput: $backends"
timeout "${BENCH_TIMEOUT:-360}" "$NODE" "$app/dist/bench.js" --suite train --backends "$backends" --out "$work/bench" 2>> "$OUT/measure.log" | tee -a "$OUT/measure.log"
cp "$work/bench/bench-train.json" "$OUT/bench-train.json" 2>/dev/null || log "the benchmark wrote no results"

"$NODE" - "$OUT" <<'JS'
const fs = require('fs');
const out = process.argv[2];
const read = (f) => { try { return JSON.parse(fs.readFileSync(`${out}/${f}`, 'utf8')); } catch { return undefined; } };
const bench = read('bench-train.json');
const rows = bench?.train?.rows ?? [];
const best = (re) => rows.filter((r) => re.test(r.backend)).sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0];
const wasm = best(/^wasm/);
const summary = {
  date: new Date().toISOString(),
  gpu: fs.readFileSync(`${out}/gpu.txt`, 'utf8').split('\n').find((l) => /NVIDIA|H100|H200|A100/.test(l))?.trim(),
  adapter: read('adapter.json')?.['high-performance']?.info ?? null,
  doctor: fs.existsSync(`${out}/doctor.txt`) ? fs.readFileSync(`${out}/doctor.txt`, 'utf8').split('\n')[0] : null,
  rows,
  skipped: bench?.train?.skipped ?? [],
  setup: bench?.train?.setup ?? {},
  ratioToWasm: Object.fromEntries(rows.filter((r) => wasm && !/^wasm/.test(r.backend)).map((r) => [`${r.backend} / ${r.variant}`, +(r.samplesPerSecond / wasm.samplesPerSecond).toFixed(3)])),
};
fs.writeFileSync(`${out}/summary.json`, JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary.ratioToWasm));
process.exit(wasm ? 0 : 1);
JS
status=$?
rm -rf "$work"
exit $status
