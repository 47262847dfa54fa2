"""numpy float32 matmul GFLOPS, the OpenBLAS yardstick for `vecformer bench gemm` and GemmBench.

Usage (unset the two OpenBLAS variables this machine exports: they force an older, slower kernel):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/compare/numpy_gemm.py \
        --threads 1 --shapes 512x512x512,1024x1536x512 [--runs 7] [--warmup 1.0]

Each shape is MxNxK, optionally with a fourth part T for C = A @ B.T (B stored [n,k]), e.g. 1024x1024x64xT.
Prints a JSON array of {m, n, k, threads, gflops} (best of --runs timed calls after --warmup seconds of
untimed ones) on stdout; the OpenBLAS build, core type and threading seen by threadpoolctl (when it is
installed, else the core name asked from numpy's bundled OpenBLAS) go to stderr.
"""
import argparse
import json
import os
import sys
import time

DEFAULT_SHAPES = ("256x256x256,512x512x512,1024x1024x1024,1024x1536x512,1024x1024x64xT,"
                  "1024x64x1024,1024x512x512,1024x48262x512")


def parse_shape(text):
    parts = text.lower().split("x")
    if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "t"):
        raise SystemExit(f"bad shape '{text}': expected MxNxK or MxNxKxT")
    try:
        m, n, k = (int(p) for p in parts[:3])
    except ValueError:
        raise SystemExit(f"bad shape '{text}': sizes must be whole numbers")
    if min(m, n, k) < 1:
        raise SystemExit(f"bad shape '{text}': sizes must be >= 1")
    return m, n, k, len(parts) == 4


def openblas_core(np):
    """The core type the OpenBLAS bundled with numpy picked at run time, asked through ctypes."""
    import ctypes
    import glob
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            if hasattr(lib, name):
                getter = getattr(lib, name)
                getter.restype = ctypes.c_char_p
                return getter().decode()
    return "unknown (no OpenBLAS library found next to numpy)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--shapes", default=DEFAULT_SHAPES)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds of untimed calls per shape")
    args = ap.parse_args()
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            print(f"warning: {var}={os.environ[var]} is set; run with env -u {var}", file=sys.stderr)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import numpy as np  # after OPENBLAS_NUM_THREADS, which OpenBLAS reads once when it loads

    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            print("threadpoolctl: " + json.dumps({key: pool.get(key) for key in
                  ("internal_api", "version", "architecture", "threading_layer", "num_threads")}), file=sys.stderr)
    except ImportError:
        print(f"threadpoolctl not installed; OpenBLAS core in use: {openblas_core(np)}", file=sys.stderr)

    rows = []
    rng = np.random.default_rng(42)
    for text in args.shapes.split(","):
        m, n, k, trans_b = parse_shape(text.strip())
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if trans_b else (k, n), dtype=np.float32)
        out = np.empty((m, n), dtype=np.float32)
        op_b = b.T if trans_b else b
        end = time.perf_counter() + args.warmup
        np.matmul(a, op_b, out=out)
        while time.perf_counter() < end:
            np.matmul(a, op_b, out=out)
        best = float("inf")
        for _ in range(args.runs):
            t0 = time.perf_counter()
            np.matmul(a, op_b, out=out)
            best = min(best, time.perf_counter() - t0)
        rows.append({"m": m, "n": n, "k": k, "trans_b": trans_b, "threads": args.threads,
                     "gflops": round(2.0 * m * n * k / best / 1e9, 2)})
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
