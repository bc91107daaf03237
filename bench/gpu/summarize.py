# Turns bench/gpu/run.sh's JSON files into the Markdown tables for docs/BENCHMARKS.md.
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])

def load(name):
    try:
        return json.loads((out / name).read_text().strip().splitlines()[-1])
    except Exception as e:  # a step that failed leaves its .err file; say so in the table
        return {"error": f"{name}: {e}"}

engine, torch = load("gemm-engine.json"), load("gemm-torch.json")
print(f"GEMM, float32, C = A·B square ({engine.get('device', '?')} / {torch.get('device', '?')}, torch {torch.get('torch', '?')}, TF32 off)\n")
print("| n | engine ms | engine GFLOP/s | engine max rel err | PyTorch ms | PyTorch GFLOP/s | engine / PyTorch |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
peer = {r["n"]: r for r in torch.get("sizes", [])}
for r in engine.get("sizes", []):
    p = peer.get(r["n"], {})
    ratio = f"{r['gflops'] / p['gflops']:.2f}x" if p.get("gflops") else "n/a"
    print(f"| {r['n']} | {r['ms']} | {r['gflops']} | {r['max_rel_err']:.1e} | {p.get('ms', 'n/a')} | {p.get('gflops', 'n/a')} | {ratio} |")
for e in (engine, torch):
    if "error" in e:
        print(f"\n{e['error']}")

cuda, cpu = load("step-cuda.json"), load("step-cpu.json")
print("\nTraining step, griffin-small, batch 8 x 128 bytes, AdamW, buffers pooled per step\n")
print("| device | median ms/step | mean ms/step | steps |")
print("| --- | ---: | ---: | ---: |")
for s in (cuda, cpu):
    if "error" in s:
        print(f"| {s['error']} | | | |")
    else:
        print(f"| {s['device']} ({s['threads']} threads) | {s['median_ms']} | {s['mean_ms']} | {s['steps']} |")
if "median_ms" in cuda and "median_ms" in cpu:
    print(f"\nCUDA speed-up over the CPU: {cpu['median_ms'] / cuda['median_ms']:.2f}x")

agreement = (out / "agreement.txt").read_text().strip().splitlines() if (out / "agreement.txt").exists() else ["(no agreement output)"]
print("\nGPU test subset on CUDA (engine bench agreement): " + next((l for l in reversed(agreement) if "passed" in l), agreement[-1]))
