#!/usr/bin/env python3
"""Measures Vecformer against its anchors in one run and regenerates docs/benchmarks.md.

Usage (from the repository root; takes about ten minutes, keep the machine otherwise idle):
    python3 bench/compare/report.py [--out docs/benchmarks.md] [--threads 1,2]
    python3 bench/compare/report.py --only exp,decode   # some sections, written to /tmp/vecformer-benchmarks-exp-decode.md
    python3 bench/compare/report.py --quick      # every section at tiny sizes, about two minutes, written to
                                                 # /tmp/vecformer-benchmarks-quick.md: checks the harness, not the speed

Ours come from `./vecformer bench ... --json`; the anchors from numpy's OpenBLAS (bench/compare/numpy_gemm.py)
and, when Debian's python3-torch is installed, PyTorch CPU eager (bench/compare/torch_*.py, run by /usr/bin/python3);
for the tokenizer, Hugging Face's tokenizers through node (bench/compare/tokenizer_bench.mjs, after `npm install` there).
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for every anchor (they slow a current OpenBLAS here). PyTorch is an
anchor only when it calls OpenBLAS: Debian's torch calls the system's libblas.so.3, the reference BLAS unless
libopenblas0-pthread is installed, and the script checks which library torch has mapped (installing OpenBLAS as root)
and refuses the torch columns otherwise. Its own kernels (softmax, masking, elementwise) must be vectorised too:
ATEN_CPU_CAPABILITY is unset for it, the capability ATen dispatches to is recorded in the Machine section, and a torch
left at its scalar kernels ("NO AVX", e.g. forced by ATEN_CPU_CAPABILITY=default: attention at T = 1,024 then reads
152 against 107 ms) is refused as well. On T > 1 threads the torch runs try torch's own pool, OpenBLAS's pool and
both, and keep the fastest, saying which.
A section whose anchor is missing says so instead of inventing a number.
The output file's hand-run part (from the HAND_RUNS marker on: measurements taken by hand, each with its command) is
kept as it is; everything above it is regenerated.
"""
import argparse
import dataclasses
import datetime
import functools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VECFORMER = str(ROOT / "vecformer")
TORCH_PYTHON = "/usr/bin/python3"

ATTN_2L = ["--layers", "2", "--d-model", "512", "--heads", "8", "--d-head", "64", "--ctx", "1024", "--vocab", "48262"]


@dataclasses.dataclass(frozen=True)
class Sizes:
    """Every size, repetition count and model shape the report measures; FULL publishes, QUICK only exercises the harness."""
    gemm_square: list
    gemm_transformer: list
    gemm_runs: str
    gemm_rounds: int
    gemm_warmup: str
    attention: list  # (T, threads or None for every thread count)
    attention_gemm: str
    softmax: list
    forward_model: list
    forward_t: str
    runs: str
    train: list
    exp_n: list
    layernorm: list  # (T, d_model)
    decode_p: list
    warmup: str
    attention_warmup: str
    attention_rounds: int
    tokenizer_bytes: int


FULL = Sizes(
    gemm_square=[(512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048)],
    gemm_transformer=[(1024, 1536, 512, "QKV projection"), (1024, 1024, 64, "scores A·Bᵀ"),
                      (1024, 64, 1024, "pattern·V"), (1024, 512, 512, "W_O"), (1024, 48262, 512, "unembedding")],
    gemm_runs="7", gemm_rounds=5, gemm_warmup="3000",
    attention=[(1024, None), (512, 1), (2048, 1)], attention_gemm="1024x1024x64xT",
    softmax=[512, 1024],
    forward_model=ATTN_2L, forward_t="1024", runs="7",
    train=[("induction default", ["--layers", "2", "--d-model", "64", "--heads", "4", "--d-head", "16", "--ctx", "64",
                                  "--vocab", "64", "--batch", "32"]),
           ("d_model 512", ["--layers", "2", "--d-model", "512", "--heads", "8", "--d-head", "64", "--ctx", "256",
                            "--vocab", "512", "--batch", "8"])],
    exp_n=[1024, 65536], layernorm=[(1024, 64), (1024, 512)], decode_p=[128, 512, 1023], warmup="2000",
    attention_warmup="3000", attention_rounds=3, tokenizer_bytes=8_000_000)

TINY_2L = ["--layers", "2", "--d-model", "32", "--heads", "4", "--d-head", "8", "--ctx", "64", "--vocab", "101"]

QUICK = Sizes(
    gemm_square=[(64, 64, 64)], gemm_transformer=[(64, 96, 32, "QKV projection"), (64, 64, 16, "scores A·Bᵀ")],
    gemm_runs="2", gemm_rounds=1, gemm_warmup="100",
    attention=[(64, None)], attention_gemm="64x64x16xT", softmax=[64],
    forward_model=TINY_2L, forward_t="64", runs="2",
    train=[("tiny", ["--layers", "1", "--d-model", "16", "--heads", "2", "--d-head", "8", "--ctx", "8", "--vocab", "11",
                     "--batch", "2"])],
    exp_n=[1000], layernorm=[(37, 24)], decode_p=[5], warmup="100", attention_warmup="100", attention_rounds=1,
    tokenizer_bytes=300_000)

SIZES = FULL


def run_json(cmd, env=None):
    """Runs a command that prints JSON on stdout; returns the parsed value or raises with its stderr."""
    full_env = dict(os.environ)
    if env:
        for k, v in env.items():
            if v is None:
                full_env.pop(k, None)
            else:
                full_env[k] = v
    p = subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip().splitlines()[-1:]}")
    lines = [l for l in p.stdout.splitlines() if l.strip().startswith(("{", "["))]
    if not lines:
        raise RuntimeError(f"{' '.join(cmd)} printed no JSON")
    return json.loads(lines[-1])


def openblas_env(blas_threads, omp_threads=None):
    """An anchor's environment: OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (they slow a current OpenBLAS), OpenBLAS's pool
    and the OpenMP pool (torch's intra-op threads) sized as given (OpenMP like OpenBLAS unless told)."""
    return {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None, "ATEN_CPU_CAPABILITY": None, "OPENBLAS_NUM_THREADS": str(blas_threads),
            "OMP_NUM_THREADS": str(blas_threads if omp_threads is None else omp_threads)}


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def torch_available():
    if not Path(TORCH_PYTHON).exists():
        return False
    return subprocess.run([TORCH_PYTHON, "-c", "import torch"], capture_output=True).returncode == 0


def fmt(x, digits=1):
    return "–" if x is None else f"{x:.{digits}f}"


def section_machine(info, peaks):
    lines = ["## Machine", "",
             f"- CPU: {cpu_model()}, {os.cpu_count()} cores visible",
             f"- JDK: {info['jdk']} ({info['vm']}); vector species {info['species']} "
             f"({info['vector_bits']}-bit, SIMD {'intrinsified' if info['intrinsified'] else 'NOT intrinsified'})",
             f"- numpy {numpy_version()}; PyTorch: {torch_version()}"
             + (f", calling {' '.join(torch_blas())}; its own kernels: {torch_capability()}" if torch_available() else "")]
    for t, p in sorted(peaks.items()):
        lines.append(f"- FMA peak measured by `vecformer bench peak --threads {t}`: {fmt(p)} GFLOPS")
    lines.append(f"- vecformer GEMM blocking (`vecformer info`): {info.get('gemm_blocking', 'not reported')}")
    lines.append(f"- Memory copy bandwidth, one thread (numpy copying 256 MB arrays, bytes read plus written, best of 5): "
                 f"{memory_bandwidth()}. PyTorch's eager attention and forward, which build T × T tensors in memory, have "
                 "read 3-4x slower on one host of this CPU than on another while our kernels and its matrix-vector work "
                 "did not move; this line is here to tell such hosts apart, so compare torch columns across reports with it")
    cores = [("numpy's bundled library", openblas_core_text(sys.executable))]
    if torch_available():
        debian = [l for l in require_torch() if os.path.basename(l).startswith("libopenblas")]
        cores.append(("Debian's, which PyTorch calls", openblas_core_text(TORCH_PYTHON, debian)))
    avx512 = all(re.search(r"core (SkylakeX|Cooperlake|SapphireRapids) ", text) for _, text in cores)
    lines.append("- OpenBLAS core each anchor selects here, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (asked through "
                 "ctypes: `openblas_get_corename`, `openblas_get_config`): "
                 + "; ".join(f"{who}: {text}" for who, text in cores)
                 + (". Each is an AVX-512 target (OpenBLAS's Cooperlake is its SkylakeX target plus bfloat16 kernels, the "
                    "same sgemm): no anchor falls back to a weaker core on this CPU." if avx512 else "."))
    return "\n".join(lines)


OPENBLAS_PROBE = """
import ctypes, glob, os, sys
paths = sys.argv[1:]
if not paths:
    import numpy
    paths = glob.glob(os.path.join(os.path.dirname(numpy.__file__), os.pardir, 'numpy.libs', '*openblas*'))
for path in paths:
    lib = ctypes.CDLL(path)
    for prefix, suffix in (('scipy_', '64_'), ('scipy_', ''), ('', '')):
        core = getattr(lib, prefix + 'openblas_get_corename' + suffix, None)
        config = getattr(lib, prefix + 'openblas_get_config' + suffix, None)
        if core is not None and config is not None:
            core.restype = config.restype = ctypes.c_char_p
            print(os.path.basename(os.path.realpath(path)) + ': core ' + core().decode() + ' (' + config().decode().strip() + ')')
            break
"""


def openblas_core_text(python, libs=()):
    """The core name and build configuration the OpenBLAS libraries `libs` (none: numpy's bundled one) report when loaded
    by `python` in an anchor's environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    p = subprocess.run([python, "-c", OPENBLAS_PROBE, *libs], capture_output=True, text=True, env=env)
    found = p.stdout.split("\n")
    return "; ".join(l for l in found if l) or "not found (" + (p.stderr.strip().splitlines() or ["no OpenBLAS"])[-1] + ")"


def numpy_version():
    try:
        return subprocess.run([sys.executable, "-c", "import numpy; print(numpy.__version__)"],
                              capture_output=True, text=True).stdout.strip() or "not installed"
    except OSError:
        return "not installed"


BANDWIDTH_PROBE = """
import time, numpy as np
a = np.ones(64 << 20, dtype=np.float32); b = np.empty_like(a); b[:] = a
times = []
for _ in range(5):
    t = time.perf_counter(); np.copyto(b, a); times.append(time.perf_counter() - t)
print(f"{2 * a.nbytes / min(times) / 1e9:.1f}")
"""


def memory_bandwidth():
    """GB/s of a one-thread numpy copy of 256 MB (read plus written), or why there is none."""
    p = subprocess.run([sys.executable, "-c", BANDWIDTH_PROBE], capture_output=True, text=True)
    return f"{p.stdout.strip()} GB/s" if p.returncode == 0 and p.stdout.strip() else "not measured (numpy missing)"


def torch_version():
    if not torch_available():
        return "not installed (apt-get install python3-torch)"
    return "torch " + subprocess.run([TORCH_PYTHON, "-c", "import torch; print(torch.__version__)"],
                                     capture_output=True, text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="default: docs/benchmarks.md; with --quick or --only a file in /tmp, so a partial run "
                                  "never replaces the published tables")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", help="comma-separated sections: " + ",".join(SECTIONS))
    ap.add_argument("--quick", action="store_true", help="tiny sizes and few runs: checks that every section runs")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    global SIZES
    SIZES = QUICK if args.quick else FULL
    only = args.only.split(",") if args.only else list(SECTIONS)
    out_default = ("/tmp/vecformer-benchmarks-quick.md" if args.quick
                   else f"/tmp/vecformer-benchmarks-{'-'.join(only)}.md" if args.only else str(ROOT / "docs" / "benchmarks.md"))
    unknown = [name for name in only if name not in SECTIONS]
    if unknown:
        ap.error(f"unknown section {', '.join(unknown)}; choose from {','.join(SECTIONS)}")

    info = run_json([VECFORMER, "info", "--json"])
    peaks = {t: run_json([VECFORMER, "bench", "peak", "--threads", str(t), "--json"])["gflops"] for t in threads}
    sections = [section_machine(info, peaks)]
    for make in (make for name, make in SECTIONS.items() if name in only):
        try:
            sections.append(make(threads, peaks))
        except Exception as e:  # a missing anchor or command is reported, never invented
            sections.append(f"## {make.__doc__.strip()}\n\nNot measured: {e}")

    today = datetime.date.today().isoformat()
    quick_note = ["**QUICK RUN (--quick): tiny sizes that only check the harness; these numbers mean nothing.**"] if args.quick else []
    text = "\n\n".join([
        "# Benchmarks", *quick_note,
        f"Regenerated by `python3 bench/compare/report.py` on {today}; every ratio pairs numbers measured in that "
        "one run on the same machine. Do not edit by hand: rerun the script. This machine is a shared 2-core VM: "
        "two runs minutes apart have differed by up to ±15% (two-thread GEMM most), so compare ratios within one "
        "run and rerun before trusting a single one.",
        *sections]) + "\n"
    out = Path(args.out or out_default)
    out.parent.mkdir(parents=True, exist_ok=True)
    text += hand_runs(out)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(out)
    print(f"wrote {out}")


HAND_RUNS = "<!-- Below: hand runs, each with its command and conditions. report.py keeps this part as it is. -->"


def hand_runs(out):
    """The hand-run part of an existing `out` (from the HAND_RUNS marker on), so regenerating the tables keeps it."""
    if not out.exists():
        return ""
    old = out.read_text()
    at = old.find(HAND_RUNS)
    return "" if at < 0 else "\n" + old[at:]


def shape_text(m, n, k, trans_b=False):
    return f"{m}x{n}x{k}" + ("xT" if trans_b else "")


_TORCH_BLAS = None

TORCH_BLAS_PROBE = """
import os, torch
a = torch.randn(256, 256); (a @ a).sum()
libs = sorted({os.path.realpath(l.split()[-1]) for l in open('/proc/self/maps') if 'blas' in l.split()[-1]})
print(' '.join(libs))
"""


def torch_blas():
    """The BLAS libraries PyTorch has mapped after a matmul (Debian's torch calls whatever libblas.so.3 selects)."""
    return subprocess.run([TORCH_PYTHON, "-c", TORCH_BLAS_PROBE], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}).stdout.split()


TORCH_CAPABILITY_PROBE = """
import torch
print(next((l.split(':', 1)[1].strip() for l in torch.__config__.show().splitlines() if 'CPU capability usage' in l), 'unknown'))
"""


@functools.lru_cache(maxsize=None)
def torch_capability():
    """The instruction set ATen dispatches torch's own CPU kernels to (AVX2, AVX512, or NO AVX for the scalar ones),
    with ATEN_CPU_CAPABILITY unset as in every anchor run."""
    return subprocess.run([TORCH_PYTHON, "-c", TORCH_CAPABILITY_PROBE], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}).stdout.strip() or "unknown"


def require_torch():
    """PyTorch as an anchor at its best, or an error: it must call OpenBLAS, not the reference BLAS.

    Debian's torch 1.13 is built with generic BLAS and calls the system's libblas.so.3; without libopenblas0-pthread that
    is the reference BLAS, 20-50x slower, and every torch column would flatter us. As root the script installs it."""
    global _TORCH_BLAS
    if not torch_available():
        raise RuntimeError("PyTorch is not installed for /usr/bin/python3 (apt-get install python3-torch)")
    if _TORCH_BLAS is None:
        libs = torch_blas()
        if not any("openblas" in l for l in libs) and os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(["apt-get", "install", "-y", "-qq", "libopenblas0-pthread"], capture_output=True,
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            libs = torch_blas()
        if not any("openblas" in l for l in libs):
            raise RuntimeError("PyTorch calls the reference BLAS (" + (" ".join(libs) or "no BLAS mapped") + "), not an "
                               "anchor: install Debian's libopenblas0-pthread (apt-get install libopenblas0-pthread, as root)")
        capability = torch_capability()
        if capability in ("NO AVX", "DEFAULT", "unknown"):
            raise RuntimeError(f"PyTorch dispatches its own kernels to '{capability}' (scalar), not an anchor: check that "
                               "its CPU detection sees this CPU's AVX2 (torch.__config__.show())")
        _TORCH_BLAS = [l for l in libs if "openblas" in l]
    return _TORCH_BLAS


def threads_note(threads, how):
    """The anchor's thread configuration after its time, on more than one thread (on one it is always 1 and 1)."""
    return f" ({how})" if threads > 1 else ""


def torch_json(args, threads, speed):
    """A bench/compare/torch_*.py run at the anchor's best: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; on one thread
    torch and OpenBLAS each get one; on T > 1 the three ways to spend T threads are each tried (torch's intra-op pool
    alone with OpenBLAS on one thread, OpenBLAS's pool alone with torch on one, both on T: they oversubscribe) and the
    fastest by `speed(result)` (larger is faster) is kept. Returns (result, the configuration in words)."""
    require_torch()

    def run(torch_threads, blas_threads):
        env = openblas_env(blas_threads, torch_threads)
        return run_json([TORCH_PYTHON, *args, "--threads", str(torch_threads)], env=env)

    if threads == 1:
        return run(1, 1), "torch 1 thread, OpenBLAS 1"
    tried = [(run(threads, 1), f"torch {threads} threads, OpenBLAS 1"),
             (run(1, threads), f"torch 1 thread, OpenBLAS {threads}"),
             (run(threads, threads), f"torch {threads} threads, OpenBLAS {threads}")]
    return max(tried, key=lambda r: speed(r[0]))


def gemm_pair(shape, threads):
    """GFLOPS of ours and of OpenBLAS for one shape in each round, the two measured in turn (who goes first alternates)."""
    z = SIZES

    def ours():
        return run_json([VECFORMER, "bench", "gemm", "--threads", str(threads), "--shapes", shape, "--runs", z.gemm_runs,
                         "--warmup", z.gemm_warmup, "--json"])[0]["gflops"]

    def theirs():
        return run_json([sys.executable, "bench/compare/numpy_gemm.py", "--threads", str(threads), "--shapes", shape,
                         "--runs", z.gemm_runs], env=openblas_env(threads))[0]["gflops"]

    rounds = []
    for r in range(z.gemm_rounds):
        if r % 2 == 0:
            o = ours()
            rounds.append((o, theirs()))
        else:
            a = theirs()
            rounds.append((ours(), a))
    return rounds


def section_gemm(threads, peaks):
    """GEMM: vecformer vs numpy (OpenBLAS) sgemm"""
    z = SIZES
    shapes = [(m, n, k, False, "square") for m, n, k in z.gemm_square]
    shapes += [(m, n, k, label.startswith("scores"), label) for m, n, k, label in z.gemm_transformer]
    arg = ",".join(shape_text(m, n, k, t) for m, n, k, t, _ in shapes)
    rows = ["| shape (M×N×K) | what | threads | vecformer GFLOPS | OpenBLAS GFLOPS | ratio | ratio per round: median [min, max] "
            "| vecformer % of FMA peak |",
            "|---|---|---:|---:|---:|---:|---:|---:|"]
    for t in threads:
        for m, n, k, tb, label in shapes:
            one = shape_text(m, n, k, tb)
            rounds = gemm_pair(one, t)
            o, a = max(r[0] for r in rounds), max(r[1] for r in rounds)
            per_round = sorted(r[0] / r[1] for r in rounds)
            spread = f"{statistics.median(per_round):.2f}x [{per_round[0]:.2f}, {per_round[-1]:.2f}]"
            rows.append(f"| {one} | {label} | {t} | {fmt(o)} | {fmt(a)} | {o / a:.2f}x | {spread} | {100 * o / peaks[t]:.0f}% |")
    cmds = (f"for each SHAPE of {arg}: `./vecformer bench gemm --threads T --shapes SHAPE --runs {z.gemm_runs} "
            f"--warmup {z.gemm_warmup} --json` then `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=T "
            f"python3 bench/compare/numpy_gemm.py --threads T --shapes SHAPE --runs {z.gemm_runs}`, {z.gemm_rounds} round(s)")
    return "\n".join([f"## {section_gemm.__doc__.strip()}", "",
                      f"Per shape, ours and OpenBLAS run in turn, {z.gemm_rounds} round(s) (one process each time, best of "
                      f"{z.gemm_runs} runs after warm-up; who goes first alternates). The GFLOPS columns and `ratio` are "
                      "each side's best over the rounds, so drift of the shared machine hits both sides alike; the next "
                      "column is the ratio within each round, which shows how far one round can be trusted. "
                      f"{huge_pages_text()} `xT` means C = A·Bᵀ. Goal: >= 1.0x OpenBLAS "
                      "on every shape, on one and on two threads.",
                      "", *rows, "", "Commands: " + cmds])


def huge_pages_text():
    """Whether the GEMM operands of both sides sit on transparent huge pages (the kernel's THP mode decides)."""
    try:
        mode = re.search(r"\[(\w+)\]", open("/sys/kernel/mm/transparent_hugepage/enabled").read()).group(1)
    except (OSError, AttributeError):
        return "Transparent huge pages: not offered by this kernel."
    if mode == "never":
        return "Transparent huge pages are off (`never`) on this machine."
    if mode == "always":
        return "Transparent huge pages are `always` here, so both sides' large operands sit on 2 MB pages."
    return (f"Transparent huge pages are `{mode}` here: numpy asks for them for arrays of 4 MB and more, and the "
            "`vecformer` launcher runs the JVM with `-XX:+UseTransparentHugePages`, so both sides' large operands "
            "sit on 2 MB pages.")


def attn_model():
    """Writes (once per run) the model file shared by the forward and decode sections, and returns its path and shape flags."""
    model = f"/tmp/vecformer-{'quick' if SIZES is QUICK else 'attn-only-2l'}.safetensors"
    run_json([TORCH_PYTHON, "bench/compare/torch_forward.py", "--make-model", model, *SIZES.forward_model])
    return model, SIZES.forward_model


def section_forward(threads, peaks):
    """Forward of an attn-only-2l-shaped model: vecformer vs PyTorch eager"""
    require_torch()
    model, flags = attn_model()
    z = SIZES
    rows = ["| T | threads | vecformer ms | PyTorch ms | speedup |", "|---:|---:|---:|---:|---:|"]
    for t in threads:
        ours = run_json([VECFORMER, "bench", "forward", "--model", model, "--t", z.forward_t, "--threads", str(t),
                         "--runs", z.runs, "--json"])
        theirs, how = torch_json(["bench/compare/torch_forward.py", "--model", model, "--t", z.forward_t, "--runs", z.runs],
                                 t, lambda r: -r["ms"])
        rows.append(f"| {z.forward_t} | {t} | {fmt(ours['ms'])} | {fmt(theirs['ms'])}{threads_note(t, how)} | {theirs['ms'] / ours['ms']:.2f}x |")
    return "\n".join([f"## {section_forward.__doc__.strip()}", "",
                      "2 layers, d_model 512, 8 heads × 64, n_ctx 1024, d_vocab 48262, LN, random weights shared by both "
                      "(written by `torch_forward.py --make-model`). Goal: >= 2x PyTorch eager on OpenBLAS on one thread.",
                      "", *rows, "",
                      f"Commands: `/usr/bin/python3 bench/compare/torch_forward.py --make-model {model} {' '.join(flags)}`, "
                      f"then `./vecformer bench forward --model {model} --t {z.forward_t} --threads T --runs {z.runs} --json` against "
                      f"`/usr/bin/python3 bench/compare/torch_forward.py --model {model} --t {z.forward_t} --threads T --runs {z.runs}`"])


def section_decode(threads, peaks):
    """Decode step with a KV cache: vecformer vs PyTorch eager"""
    require_torch()
    model, flags = attn_model()
    z = SIZES
    rows = ["| cache length p | threads | vecformer ms/token | PyTorch ms/token | speedup |", "|---:|---:|---:|---:|---:|"]
    for p in z.decode_p:
        for t in threads:
            ours = run_json([VECFORMER, "bench", "decode", *flags, "--p", str(p), "--threads", str(t), "--runs", "20",
                             "--warmup", z.warmup, "--json"])
            theirs, how = torch_json(["bench/compare/torch_decode.py", "--model", model, "--p", str(p), "--runs", "20"],
                                     t, lambda r: -r["ms"])
            rows.append(f"| {p} | {t} | {fmt(ours['ms'], 3)} | {fmt(theirs['ms'], 3)}{threads_note(t, how)} | {theirs['ms'] / ours['ms']:.2f}x |")
    return "\n".join([f"## {section_decode.__doc__.strip()}", "",
                      "One generation step of the attn-only-2l shape (as in the forward section): the logits of one new "
                      "token at position p given a cache of the p earlier positions' K and V, best of 20 steps after "
                      "warm-up. Ours: `KvCache.append` of one token then `truncate(p)`, on seeded random weights of that "
                      "shape; PyTorch: the same per-token forward against preallocated [heads, n_ctx, d_head] K/V tensors "
                      "per layer (`torch_decode.py --check` compares its logits with a full forward). The unembedding "
                      "(512 × 48262, 99 MB of weights read per token) dominates both.",
                      "", *rows, "",
                      f"Commands: `./vecformer bench decode {' '.join(flags)} --p P --threads N --runs 20 --json` against "
                      f"`/usr/bin/python3 bench/compare/torch_decode.py --model {model} --p P --threads N --runs 20`"])


def section_attention(threads, peaks):
    """Fused causal attention: vecformer vs PyTorch eager"""
    require_torch()
    z = SIZES
    gemm = run_json([VECFORMER, "bench", "gemm", "--threads", "1", "--shapes", z.attention_gemm, "--runs", z.gemm_runs,
                     "--warmup", z.gemm_warmup, "--json"])
    gemm_gflops = gemm[0]["gflops"]
    rows = [f"| T | heads × d_head | threads | vecformer ms | ms per round [min, max] | GFLOPS (causal half) "
            f"| % of FMA peak timed in turn [per round] | % of the Machine section's peak | % of our GEMM {z.attention_gemm} "
            "| PyTorch ms | speedup |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    cases = [(t_len, t) for t_len, only in z.attention for t in ([only] if only else threads)]
    for t_len, t in cases:
        rounds = [run_json([VECFORMER, "bench", "attention", "--t", str(t_len), "--heads", "8", "--d-head", "64",
                            "--threads", str(t), "--warmup", z.attention_warmup, "--json"]) for _ in range(z.attention_rounds)]
        ours = min(rounds, key=lambda r: r["ms"])
        spread = f"[{fmt(min(r['ms'] for r in rounds), 2)}, {fmt(max(r['ms'] for r in rounds), 2)}]"
        theirs, how = torch_json(["bench/compare/torch_attention.py", "--t", str(t_len), "--heads", "8", "--d-head", "64"],
                                 t, lambda r: -r["ms"])
        pct = f"{100 * ours['gflops'] / gemm_gflops:.0f}%" if t == 1 else "–"
        shares = f"[{100 * min(r['peak_share'] for r in rounds):.0f}, {100 * max(r['peak_share'] for r in rounds):.0f}]"
        rows.append(f"| {t_len} | 8 × 64 | {t} | {fmt(ours['ms'], 2)} | {spread} | {fmt(ours['gflops'])} "
                    f"| {100 * ours['peak_share']:.0f}% {shares} | {100 * ours['gflops'] / peaks[t]:.0f}% | {pct} "
                    f"| {fmt(theirs['ms'], 2)}{threads_note(t, how)} | {theirs['ms'] / ours['ms']:.1f}x |")
    return "\n".join([f"## {section_attention.__doc__.strip()}", "",
                      "QKᵀ/√d, causal mask, softmax, ·V for 8 heads of 64. GFLOPS count only the causal half "
                      f"(2·2·H·D·T(T+1)/2). Ours runs in {z.attention_rounds} round(s), one process each, and the table "
                      "keeps the best (the next column shows every round's time: this shared machine has slow minutes "
                      "in which the same build reads 20-30% slower). Each round also times the FMA peak (`bench peak`'s "
                      "loop) in alternating turns with the kernel in the same process, and divides the kernel's GFLOPS by "
                      "it: the round's share of the peak, from one minute of the machine rather than two; the table's "
                      "share is the fastest round's, the brackets give every round's. Goals: >= 70% of the FMA peak on "
                      "one thread at T=1024, and >= 50% of our GEMM at a similar size (here "
                      f"{fmt(gemm_gflops)} GFLOPS for {z.attention_gemm} on one thread). PyTorch runs on OpenBLAS (see the "
                      "Machine section).",
                      "", *rows, "",
                      f"Commands: `./vecformer bench attention --t T --heads 8 --d-head 64 --threads N --json`, "
                      f"{z.attention_rounds} times, against "
                      "`/usr/bin/python3 bench/compare/torch_attention.py --t T --heads 8 --d-head 64 --threads N`"])


def section_softmax(threads, peaks):
    """Row softmax: SIMD kernel vs its scalar twin and PyTorch"""
    have_torch = torch_available()
    rows = ["| T×T | threads | SIMD ms | twin ms | speedup over twin | torch.softmax ms | ratio to PyTorch |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for t_len in SIZES.softmax:
        o = run_json([VECFORMER, "bench", "softmax", "--t", str(t_len), "--threads", "1", "--warmup", SIZES.warmup, "--json"])
        a = torch_json(["bench/compare/torch_kernels.py", "--op", "softmax", "--t", str(t_len)], 1, lambda r: -r["ms"])[0] \
            if have_torch else None
        torch_ms, ratio = (fmt(a["ms"], 3), f"{a['ms'] / o['ms']:.1f}x") if a else ("–", "–")
        rows.append(f"| {t_len}×{t_len} | 1 | {fmt(o['ms'], 3)} | {fmt(o['twin_ms'], 3)} | {o['speedup']:.1f}x | {torch_ms} | {ratio} |")
    return "\n".join([f"## {section_softmax.__doc__.strip()}", "",
                      "Row softmax of a [T, T] score matrix scaled by 0.125, no mask. The twin accumulates in double with "
                      "`Math.exp`; PyTorch computes `torch.softmax(x * 0.125, -1)`. JMH `SoftmaxBench` also times a "
                      "plain float `Math.exp` loop (`bench/run SoftmaxBench`). Goal: >= 8x a scalar exp loop."
                      + ("" if have_torch else " PyTorch is not installed: its column is empty."), "", *rows, "",
                      "Commands: `./vecformer bench softmax --t T --threads 1 --json` against "
                      "`/usr/bin/python3 bench/compare/torch_kernels.py --op softmax --t T --threads 1`"])


def section_exp(threads, peaks):
    """exp: our polynomial vs VectorOperators.EXP, Math.exp, numpy and PyTorch"""
    have_torch = torch_available()
    rows = ["| n | ours (VectorExp) ns/elem | VectorOperators.EXP | scalar Math.exp | numpy np.exp | torch.exp | faster vector e^x | our softmax form 2^x |",
            "|---:|---:|---:|---:|---:|---:|---|---:|"]
    for n in SIZES.exp_n:
        o = run_json([VECFORMER, "bench", "exp", "--n", str(n), "--warmup", SIZES.attention_warmup, "--json"])
        npy = run_json([sys.executable, "bench/compare/numpy_kernels.py", "--op", "exp", "--n", str(n)])
        tch = torch_json(["bench/compare/torch_kernels.py", "--op", "exp", "--n", str(n)], 1, lambda r: -r["ns_per_element"])[0] \
            if have_torch else None
        ours = o["vector_exp_ns"]
        cell = lambda ns: f"{ns:.3f} ({ns / ours:.2f}x)"
        rows.append(f"| {n} | {ours:.3f} | {cell(o['jdk_exp_ns'])} | {cell(o['scalar_exp_ns'])} | {cell(npy['ns_per_element'])} "
                    f"| {cell(tch['ns_per_element']) if tch else '–'} "
                    f"| {'ours' if o['faster'] == 'vector_exp' else 'VectorOperators.EXP'} | {cell(o['vector_exp2_ns'])} |")
    return "\n".join([f"## {section_exp.__doc__.strip()}", "",
                      "e^x over n float32 inputs in [-30, 0] (the softmax range) on one thread, ns per element, best of "
                      "several runs; in brackets each one's time relative to ours (above 1x: ours is faster). Our two "
                      "vector kernels are timed in alternating rounds. Both meet the accuracy bound we set for an exp kernel (relative error "
                      "<= 2e-7, exact special values: `VectorExpTest`, `JdkVectorExpTest`). The kernels keep ours even "
                      "where the JDK's is faster: its bits change when C2 compiles it, which would make training depend on JIT "
                      "timing. Softmax and attention use the "
                      "cheaper 2^x form (`VectorExp.exp2NonPositive`, inputs pre-multiplied by log2 e): its column says what a "
                      "switch would have to beat there."
                      + ("" if have_torch else " PyTorch is not installed: its column is empty."), "", *rows, "",
                      f"Commands: `./vecformer bench exp --n N --warmup {SIZES.attention_warmup} --json` against `python3 bench/compare/numpy_kernels.py --op exp --n N` "
                      "and `/usr/bin/python3 bench/compare/torch_kernels.py --op exp --n N --threads 1`"])


def section_layernorm(threads, peaks):
    """Layer norm: vecformer vs PyTorch and numpy"""
    have_torch = torch_available()
    rows = ["| T × d_model | threads | vecformer ms | twin ms | F.layer_norm ms | ratio to PyTorch | numpy ms | ratio to numpy |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for t_len, d in SIZES.layernorm:
        npy = run_json([sys.executable, "bench/compare/numpy_kernels.py", "--op", "layernorm", "--t", str(t_len), "--d-model", str(d)])
        for t in threads:
            o = run_json([VECFORMER, "bench", "layernorm", "--t", str(t_len), "--d-model", str(d), "--threads", str(t),
                          "--warmup", SIZES.warmup, "--json"])
            a = torch_json(["bench/compare/torch_kernels.py", "--op", "layernorm", "--t", str(t_len), "--d-model", str(d)],
                           t, lambda r: -r["ms"])[0] if have_torch else None
            torch_cells = f"{fmt(a['ms'], 3)} | {a['ms'] / o['ms']:.1f}x" if a else "– | –"
            numpy_cells = f"{fmt(npy['ms'], 3)} | {npy['ms'] / o['ms']:.1f}x" if t == 1 else "– | –"
            rows.append(f"| {t_len} × {d} | {t} | {fmt(o['ms'], 3)} | {fmt(o['twin_ms'], 3)} | {torch_cells} | {numpy_cells} |")
    return "\n".join([f"## {section_layernorm.__doc__.strip()}", "",
                      "LN forward with weight and bias, eps 1e-5, over T rows of d_model floats: centre, divide by "
                      "sqrt(mean(x²) + eps), ·w + b. Ours is parallel over rows; the twin (double accumulation) and numpy "
                      "(float32, in-place steps; numpy does not thread) run on one thread. Ratios above 1x: ours is faster."
                      + ("" if have_torch else " PyTorch is not installed: its columns are empty."), "", *rows, "",
                      "Commands: `./vecformer bench layernorm --t T --d-model D --threads N --json` against "
                      "`/usr/bin/python3 bench/compare/torch_kernels.py --op layernorm --t T --d-model D --threads N` and "
                      "`python3 bench/compare/numpy_kernels.py --op layernorm --t T --d-model D`"])


def section_train(threads, peaks):
    """Training step: vecformer vs PyTorch eager"""
    require_torch()
    rows = ["| config | threads | vecformer tokens/s | vecformer ms/step | vecformer GFLOPS | share of a GEMM-bound step "
            "| PyTorch tokens/s | PyTorch ms/step | PyTorch's best threads | speedup |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    quick = ["--steps", "2", "--runs", "1", "--warmup", "0"] if SIZES is QUICK else []
    for name, flags in SIZES.train:
        for t in threads:
            ours = run_json([VECFORMER, "bench", "train", *flags, "--threads", str(t), *quick, "--json"])
            theirs, how = torch_json(["bench/compare/torch_train.py", *flags, *quick], t, lambda r: r["tokens_per_s"])
            rows.append(f"| {name} | {t} | {ours['tokens_per_s']:,} | {fmt(ours['ms_per_step'], 2)} | {fmt(ours['gflops'])} "
                        f"| {100 * ours['gemm_bound']:.1f}% of {fmt(ours['gemm_gflops'])} ({ours['gemm_shape']}) "
                        f"| {theirs['tokens_per_s']:,} | {fmt(theirs['ms_per_step'], 2)} | {how} "
                        f"| {ours['tokens_per_s'] / theirs['tokens_per_s']:.2f}x |")
    return "\n".join([f"## {section_train.__doc__.strip()}", "",
                      "One full step (forward, mean next-token cross-entropy, backward, global-norm clip 1.0, AdamW with "
                      "weight decay 0.01 on matrices) on seeded uniform random tokens, tokens/s = batch·n_ctx / step time, "
                      "best of 5 blocks of 10 steps after 3 s of warm-up. Configs (layers / d_model / heads × d_head / "
                      "n_ctx / d_vocab / batch, LN): induction default = 2 / 64 / 4 × 16 / 64 / 64 / 32 (what "
                      "`vecformer train --task induction` uses), d_model 512 = 2 / 512 / 8 × 64 / 256 / 512 / 8. "
                      "vecformer GFLOPS = the step's matrix-product work (`StepFlops`: the QKV, W_O and unembedding "
                      "products forward and backward, the causal half of the six attention products; 32.2 GFLOP for "
                      "d_model 512) over the step time; the share divides it by our GEMM's GFLOPS on the step's largest "
                      "product, timed by the same command in rounds alternating with the steps. "
                      "Goals: >= 1.5x PyTorch eager on OpenBLAS on one and on two threads, aiming at 2.5x; the d_model "
                      "512 step at >= 70% of GEMM-bound.",
                      "", *rows, "",
                      "Commands: `./vecformer bench train FLAGS --threads N --json` against "
                      "`/usr/bin/python3 bench/compare/torch_train.py FLAGS --threads N`, FLAGS = "
                      + " or ".join(f"`{' '.join(f)}`" for _, f in SIZES.train)])


def section_tokenizer(threads, peaks):
    """Byte-level BPE encoding: vecformer vs Hugging Face tokenizers"""
    compare = ROOT / "bench" / "compare"
    if shutil.which("node") is None or not (compare / "node_modules" / "tokenizers").exists():
        raise RuntimeError("needs node and `npm install` in bench/compare (Hugging Face's tokenizers from the npm registry)")
    raw, work = Path("/tmp/vecformer-tokbench.raw"), Path("/tmp/vecformer-tokbench")
    text = subprocess.run("zcat /usr/share/doc/*/changelog*.gz 2>/dev/null | head -c " + str(SIZES.tokenizer_bytes),
                          shell=True, capture_output=True).stdout
    raw.write_bytes(text)
    subprocess.run(["node", "tokenizer_bench.mjs", "prepare", str(raw), str(work)], cwd=compare, check=True, capture_output=True)
    node = ["node", "bench/compare/tokenizer_bench.mjs", "time", str(work)]
    hf = run_json(node, env={"RAYON_NUM_THREADS": "1"})
    ours_cmd = [VECFORMER, "bench", "tokenize", "--tokenizer", str(work / "tokenizer.json"), "--text", str(work / "corpus.txt"), "--json"]
    ours = run_json(ours_cmd)
    same = ours["tokens"] == hf["tokens"] and ours["hash"] == hf["hash"]
    rows = [("vecformer, first pass (empty word cache)", ours["first_pass_mb_per_s"], ours["first_pass_cpu_mb_per_s"]),
            ("vecformer, best of 5 after it", ours["best_mb_per_s"], ours["best_cpu_mb_per_s"]),
            ("tokenizers, `encode` per document", hf["mb_per_s"]["per document"], hf["cpu_mb_per_s"]["per document"]),
            ("tokenizers, one `encodeBatch`", hf["mb_per_s"]["encodeBatch"], hf["cpu_mb_per_s"]["encodeBatch"])]
    lines = [f"## {section_tokenizer.__doc__.strip()}", "",
             f"One thread (`RAYON_NUM_THREADS=1` for the library) encodes {hf['bytes']:,} bytes of English "
             f"(`zcat /usr/share/doc/*/changelog*.gz | head -c {SIZES.tokenizer_bytes}`, read as UTF-8) cut into "
             f"{hf['documents']:,} documents at blank lines, with a 30,000-token byte-level BPE (NFC + ByteLevel) that the "
             "library's default trainer learnt from that text; no special tokens. MB/s = 10^6 bytes of UTF-8 per second of "
             "wall time and of CPU time (the process's, for the library: its Rust threads included; this thread's, for us). "
             "The library's figures include building its `Encoding` objects (offsets, masks) and the Node binding's "
             "async call per document; ours only the ids. Both keep a word cache. Goal: >= 5 MB/s on one thread.", "",
             f"Same ids on both sides: **{'yes' if same else 'NO'}** ({hf['tokens']:,} tokens, id hash {hf['hash']} "
             f"vs {ours['tokens']:,} / {ours['hash']}).", "",
             "| side | MB/s (wall) | MB/s (CPU time) |", "|---|---:|---:|"]
    lines += [f"| {name} | {fmt(wall, 2)} | {fmt(cpu, 2)} |" for name, wall, cpu in rows]
    lines += ["", f"Commands: `cd bench/compare && npm install`, `node tokenizer_bench.mjs prepare {raw} {work}`, "
                  f"`RAYON_NUM_THREADS=1 {' '.join(node)}` against `{' '.join(['./vecformer'] + ours_cmd[1:])}`"]
    return "\n".join(lines)


def java_home():
    p = subprocess.run(["sh", "-c", ". .mvn/jdk.sh && vecformer_jdk_home"], capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip())
    return p.stdout.strip()


def section_checkpoint(threads, peaks):
    """Checkpoint import: reading a PyTorch .pth state dict"""
    require_torch()
    quick = SIZES is QUICK
    path = f"/tmp/vecformer-{'quick' if quick else 'attn-only-4l'}.pth"
    shape = TINY_2L if quick else ["--layers", "4", "--d-model", "512", "--heads", "8", "--d-head", "64", "--ctx", "1024",
                                   "--vocab", "48262"]
    made = run_json([TORCH_PYTHON, "bench/compare/torch_checkpoint.py", "--make", path, *shape])
    heap_mb = max(64, 2 * made["bytes"] >> 20)
    # the JVM flags of the `vecformer` launcher: transparent huge pages where the kernel gives them on request
    try:
        thp = ["-XX:+UseTransparentHugePages"] if "[madvise]" in open("/sys/kernel/mm/transparent_hugepage/enabled").read() else []
    except OSError:
        thp = []
    jvm = [f"{java_home()}/bin/java", f"-Xmx{heap_mb}m", *thp, "-cp", "cli/target/vecformer.jar",
           "bench/compare/TorchCheckpointRead.java", path]
    ours = run_json([*jvm, "3"])
    floor = run_json([*jvm, "--baseline"])
    theirs = run_json([TORCH_PYTHON, "bench/compare/torch_checkpoint.py", "--load", path, "--runs", "3"])
    mb = made["bytes"] / 1e6
    rows = ["| file MB | tensors read / skipped | vecformer first read s | fresh-heap floor s | vecformer best s | GB/s "
            "| peak heap MB (-Xmx) | torch.load best s |", "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {mb:.0f} | {ours['tensors']} / {ours['skipped']} | {ours['runs_s'][0]:.2f} | {floor['baseline_s']:.2f} "
            f"| {ours['best_s']:.3f} | {mb / 1e3 / ours['best_s']:.2f} | {ours['peak_heap_bytes'] / 1e6:.0f} ({heap_mb}) "
            f"| {theirs['best_s']:.3f} |"]
    return "\n".join([f"## {section_checkpoint.__doc__.strip()}", "",
                      "An attn-only-4l-shaped state dict (d_model 512, 8 heads × 64, 4 layers, d_vocab 48262, n_ctx 1024, "
                      "LN; TransformerLens names, float32 weights, a bool mask per layer) written by `torch.save`. Ours: "
                      "`TorchCheckpoint.read` (safe unpickling, checks, every float storage streamed once into its "
                      "float[]) in one JVM whose heap is capped at twice the file, with the launcher's JVM flags: the "
                      "first read and the best of 3. The first read in a fresh JVM pays for the kernel handing the heap "
                      "its pages; the fresh-heap floor is that cost alone, another fresh JVM allocating and filling as "
                      "many floats. PyTorch: `torch.load(f, map_location='cpu')`, best of 3.",
                      "", *rows, "",
                      f"Commands: `/usr/bin/python3 bench/compare/torch_checkpoint.py --make {path} {' '.join(shape)}`, then "
                      f"`{' '.join(['java', *jvm[1:]])} 3` (`--baseline` for the floor) against "
                      f"`/usr/bin/python3 bench/compare/torch_checkpoint.py --load {path} --runs 3`"])


def section_patching(threads, peaks):
    """Patching: activation and attribution patching on an attn-only-2l-shaped model"""
    require_torch()
    model, flags = attn_model()
    t = "64" if SIZES is FULL else "8"
    rows = ["| threads | patches | blocks run | blocks of a naive rerun | sweep ms | naive sweep ms | speedup "
            "| forward ms | attribution ms | attribution / forward |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for th in threads:
        r = run_json([VECFORMER, "bench", "patch", "--model", model, "--t", t, "--threads", str(th), "--runs", "3", "--json"])
        rows.append(f"| {th} | {r['patches']} | {r['layer_forwards']} | {r['naive_layer_forwards']} | {fmt(r['sweep_ms'])} "
                    f"| {fmt(r['naive_sweep_ms'])} | {r['naive_sweep_ms'] / r['sweep_ms']:.1f}x | {fmt(r['forward_ms'])} "
                    f"| {fmt(r['attribution_ms'])} | {r['attribution_forwards']:.2f} |")
    return "\n".join([f"## {section_patching.__doc__.strip()}", "",
                      f"The random model of the forward section, T = {t} seeded random tokens, one token corrupted. The sweep "
                      "patches z of every head (all positions) and resid_pre at every layer and position, each patched run "
                      "resuming at its layer from the cached corrupted resid_pre and unembedding the last position only; the "
                      "naive sweep reruns the whole hooked forward for every patch (all logits). Attribution patching: the "
                      "clean forward, one forward and one backward on the corrupted prompt, and the sums (goal: <= 3 "
                      f"forwards). Warm, best of 3 (naive: one run). CPU: {cpu_model()}.", "", *rows, "",
                      f"Command: `./vecformer bench patch --model {model} --t {t} --threads T --runs 3 --json`"])


SECTIONS = {"gemm": section_gemm, "attention": section_attention, "softmax": section_softmax, "exp": section_exp,
            "layernorm": section_layernorm, "forward": section_forward, "decode": section_decode, "train": section_train,
            "tokenizer": section_tokenizer, "checkpoint": section_checkpoint,
            "patching": section_patching}

if __name__ == "__main__":
    main()
