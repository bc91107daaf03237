# The peer for `engine bench gemm --device cuda`: PyTorch float32 matmul on the GPU with TF32 disabled,
# so cuBLAS runs FP32 SIMT like the engine's ILGPU kernel (ILGPU has no tensor cores). Same sizes, same
# timing rule: warm-up, then the mean over --reps products between two synchronisations. Prints JSON.
import argparse, json, time
import torch

parser = argparse.ArgumentParser()
parser.add_argument("--sizes", default="1024,2048,4096,8192")
parser.add_argument("--reps", type=int, default=10)
args = parser.parse_args()

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
rows = []
for n in [int(s) for s in args.sizes.split(",")]:
    a = torch.randn(n, n, device="cuda", dtype=torch.float32)
    b = torch.randn(n, n, device="cuda", dtype=torch.float32)
    for _ in range(2):
        a @ b
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(args.reps):
        a @ b
    torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / args.reps
    rows.append({"n": n, "ms": round(seconds * 1e3, 4), "gflops": round(2 * n ** 3 / seconds / 1e9, 1)})
print(json.dumps({"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "tf32": False, "sizes": rows}))
