#!/usr/bin/env bash
# The one prepared measurement for a session with a GPU (an H100 with PyTorch and no .NET): about five
# minutes, leaving room for one rerun inside a 15-minute device budget. See bench/gpu/README.md for how
# to prepare .gpu/ on a machine with .NET and how to launch this.
#   1. the GPU test subset on CUDA: every registered op's forward and backward against the reference
#      backend (engine bench agreement);
#   2. engine bench gemm --device cuda for n = 1024, 2048, 4096, 8192, and in the same run PyTorch's
#      float32 matmul with TF32 disabled as the peer, with the ratio;
#   3. a training step of griffin-small on CUDA against the CPU (engine bench step);
#   4. only with REPRODUCE=1 (at most 150 s more, its timeout; not yet run on a GPU): Griffin §4.3's step
#      time against sequence length on CUDA (engine reproduce griffin --parts step-time --device cuda).
# Results go to $OUT (the device tool's output folder) or bench/gpu/out, with summary.md to paste into
# docs/BENCHMARKS.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-bench/gpu/out}
mkdir -p "$out"
sizes=${SIZES:-1024,2048,4096,8192}
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$out/log.txt"; }

if [ ! -x .gpu/dn/dotnet ]; then
  mkdir -p .gpu/dn && tar xJf .gpu/dotnet.tar.xz -C .gpu/dn || { echo "no .gpu/dotnet.tar.xz: see bench/gpu/README.md"; exit 2; }
fi
engine() { DOTNET_ROOT="$PWD/.gpu/dn" .gpu/dn/dotnet .gpu/app/engine.dll "$@"; }

log "machine"
{ date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; nproc; git log -1 --format='%H %s' 2>/dev/null; } > "$out/machine.txt" 2>&1
cat "$out/machine.txt"

log "1/4 agreement: every registered op on cuda against the reference backend"
timeout 150 engine bench agreement --device cuda --seeds 2 --tolerance 1e-5 > "$out/agreement.txt" 2>&1
echo "exit $?" >> "$out/agreement.txt"
tail -n 3 "$out/agreement.txt"

log "2/4 engine gemm on cuda, n = $sizes"
timeout 150 engine bench gemm --device cuda --sizes "$sizes" --reps 10 --json > "$out/gemm-engine.json" 2> "$out/gemm-engine.err"
cat "$out/gemm-engine.json" "$out/gemm-engine.err"

log "3/4 pytorch fp32 matmul (TF32 off), n = $sizes"
timeout 90 python3 bench/gpu/torch_matmul.py --sizes "$sizes" --reps 10 > "$out/gemm-torch.json" 2> "$out/gemm-torch.err"
cat "$out/gemm-torch.json" "$out/gemm-torch.err"

log "4/4 griffin-small training step, cuda then cpu"
timeout 90 engine bench step --model griffin-small --device cuda --steps 30 --warmup 5 --json > "$out/step-cuda.json" 2> "$out/step-cuda.err"
timeout 90 engine bench step --model griffin-small --device cpu --threads "$(nproc)" --steps 10 --warmup 2 --json > "$out/step-cpu.json" 2> "$out/step-cpu.err"
cat "$out"/step-*.json "$out"/step-*.err

if [ "${REPRODUCE:-0}" = 1 ]; then
  log "extra: griffin step time against sequence length on cuda (engine reproduce griffin --parts step-time)"
  timeout 150 engine reproduce griffin --parts step-time --device cuda --out "$out/griffin-step-time" > "$out/griffin-step-time.txt" 2>&1
  echo "exit $?" >> "$out/griffin-step-time.txt"
  tail -n 20 "$out/griffin-step-time.txt"
fi

python3 bench/gpu/summarize.py "$out" > "$out/summary.md"
cat "$out/summary.md"
log "done"
