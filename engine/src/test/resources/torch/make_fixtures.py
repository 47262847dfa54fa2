#!/usr/bin/env python3
"""Writes the PyTorch checkpoint fixtures of TorchCheckpointTest and TorchCheckpointHostileTest.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch; the pyenv `python3`
on PATH has no torch):

    /usr/bin/python3 engine/src/test/resources/torch/make_fixtures.py

It rewrites this directory (engine/src/test/resources/torch/); the output is the same on every run
(seeded tensors, PyTorch's zip writer stamps no dates, Python's zipfile gets a fixed one) except
legacy.pth, whose storage keys are memory addresses.

Good checkpoints, NAME.pth each with NAME.expected.safetensors:
  f32, f16, bf16, f64      one dtype each, random values plus specials (±0, ±inf, subnormals, rounding ties)
  strided                  a transposed matrix, a stride-0 expanded row, every other element
  slice                    views at a storage offset (rows 2:5, a column)
  shared                   tied weights (W_E and W_U = W_E.T) and a reshaped view, one storage
  module                   a nested nn.Module state dict: _metadata, bool mask and int64 buffers
  many                     310 rows of one storage, so the pickle memo passes 256 (LONG_BINPUT), then a
                           tensor and its row (LONG_BINGET)
  parameter                nn.Parameter values (torch._utils._rebuild_parameter)
  from_type                hand-pickled torch._tensor._rebuild_from_type_v2, a 7-argument
                           _rebuild_tensor_v2 (newer PyTorch adds metadata), a torch.Size size and an
                           explicit "little" byteorder
  bigendian                the storages of a mixed-dtype dict byte-swapped, with a "big" byteorder record
  deflated                 module.pth re-zipped with DEFLATE by Python's zipfile
  legacy                   torch.save(..., _use_new_zipfile_serialization=False): the reader only names it

NAME.expected.safetensors is the independent oracle: PyTorch's own conversion of each tensor to float32
(t.to(torch.float32), round to nearest for float64) as contiguous little-endian bytes, written here with
struct/json in state-dict order; "__metadata__" {"skipped": JSON list} names the non-float tensors.

Hostile files (hostile/), pickles hand-assembled from opcodes or by a Pickler whose __reduce__ names a
function; nothing here is ever unpickled, so os.system never runs. TorchCheckpointHostileTest lists what
each one must be refused for.
"""
import collections
import io
import json
import os
import pickle
import shutil
import struct
import sys
import zipfile
import zlib

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "hostile")
MARKER = "/tmp/vecformer-torch-fixture-was-executed"
DATE = (2020, 1, 1, 0, 0, 0)


def expected(name, tensors, skipped=()):
    """NAME.expected.safetensors: tensors (name -> torch tensor) as float32 LE, in order."""
    header = {"__metadata__": {"skipped": json.dumps(list(skipped))}}
    blobs, at = [], 0
    for key, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(os.path.join(HERE, name + ".expected.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def save(name, sd, skipped=(), oracle=None):
    torch.save(sd, os.path.join(HERE, name + ".pth"))
    floats = collections.OrderedDict((k, v) for k, v in (oracle or sd).items() if v.is_floating_point())
    expected(name, floats, skipped)


def specials(dtype):
    v = [0.0, -0.0, float("inf"), float("-inf"), 1.0, -2.5]
    if dtype == torch.float16:
        v += [2.0 ** -24, 65504.0, 6.1e-5]
    elif dtype == torch.bfloat16:
        v += [2.0 ** -133, 3.3e38]
    elif dtype == torch.float64:
        # ties and roundings of float64 -> float32: 1+2^-24 rounds to even (1), 1+3*2^-24 up, overflow, underflow
        v += [1 + 2.0 ** -24, 1 + 3 * 2.0 ** -24, 1e300, -1e300, 1e-320, 2.0 ** -149 * 0.75, 3.4028235677973366e38]
    else:
        v += [1e-45, 3.4e38, float("nan")]
    return torch.tensor(v, dtype=dtype)


def good_fixtures():
    g = torch.Generator().manual_seed(20240601)
    for name, dtype in [("f32", torch.float32), ("f16", torch.float16), ("bf16", torch.bfloat16), ("f64", torch.float64)]:
        sd = collections.OrderedDict()
        sd["scalar"] = torch.tensor(1.75, dtype=dtype)
        sd["vector"] = torch.randn(5, generator=g, dtype=torch.float64).to(dtype)
        sd["matrix"] = torch.randn(3, 4, generator=g, dtype=torch.float64).to(dtype)
        sd["cube"] = torch.randn(2, 3, 4, generator=g, dtype=torch.float64).to(dtype)
        sd["empty"] = torch.zeros(0, 3, dtype=dtype)
        sd["specials"] = specials(dtype)
        save(name, sd)

    w = torch.randn(4, 6, generator=g)
    row = torch.randn(1, 5, generator=g)
    seq = torch.randn(10, generator=g)
    save("strided", collections.OrderedDict(transposed=w.t(), expanded=row.expand(3, 5), every_other=seq[::2]))

    base = torch.randn(6, 4, generator=g)
    save("slice", collections.OrderedDict(rows=base[2:5], column=base[:, 1], element=base[5, 3]))

    w_e = torch.randn(7, 3, generator=g)
    save("shared", collections.OrderedDict(W_E=w_e, W_U=w_e.t(), W_E_flat=w_e.view(21)))

    torch.manual_seed(7)
    m = TinyModel()
    sd = m.state_dict()
    assert hasattr(sd, "_metadata")
    save("module", sd, skipped=[k for k, v in sd.items() if not v.is_floating_point()])

    rows = torch.randn(310, 2, generator=g)
    many = collections.OrderedDict((f"row.{i}", rows[i]) for i in range(310))
    tail = torch.randn(2, 2, generator=g)  # its storage key is memoized past 255, so its second use is a LONG_BINGET
    many.update(tail=tail, tail_row=tail[1])
    save("many", many)

    p = torch.nn.Parameter(torch.randn(2, 3, generator=g))
    q = torch.nn.Parameter(torch.randn(3, generator=g).to(torch.float16), requires_grad=False)
    save("parameter", {"p": p, "q": q})

    from_type()
    bigendian(g)
    deflated()
    torch.save({"w": torch.ones(2)}, os.path.join(HERE, "legacy.pth"), _use_new_zipfile_serialization=False)


class Attention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.W_Q = torch.nn.Parameter(torch.randn(2, 4, 3))
        self.b_Q = torch.nn.Parameter(torch.randn(2, 3))
        self.register_buffer("mask", torch.tril(torch.ones(5, 5, dtype=torch.bool)))
        self.register_buffer("IGNORE", torch.tensor(-1e5))


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(4)
        self.attn = Attention()


class TinyModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(9, 4)
        self.blocks = torch.nn.ModuleList([Block(), Block()])
        self.register_buffer("steps", torch.tensor([3, 1 << 40], dtype=torch.int64))
        self.unembed = torch.nn.Linear(4, 9, dtype=torch.float64)


def torch_zip(path, pickled, records, stem="archive", byteorder=None, method=zipfile.ZIP_STORED):
    """A checkpoint laid out as torch.save lays it out: stem/data.pkl, stem/data/KEY, stem/version."""
    with zipfile.ZipFile(path, "w", compression=method) as z:
        def put(name, data):
            z.writestr(zipfile.ZipInfo(stem + "/" + name, DATE), data, compress_type=method)
        put("data.pkl", pickled)
        if byteorder is not None:
            put("byteorder", byteorder)
        for key, data in records.items():
            put("data/" + key, data)
        put("version", b"3\n")


class Storage:
    """A storage the crafting Pickler writes as a persistent id ('storage', cls, key, 'cpu', numel)."""

    def __init__(self, cls, key, numel):
        self.pid = ("storage", cls, key, "cpu", numel)


class Call:
    """An object that pickles as REDUCE(fn, args): assembles a pickle without running fn."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def craft(obj, protocol=2):
    buf = io.BytesIO()
    p = pickle._Pickler(buf, protocol=protocol)
    p.persistent_id = lambda o: o.pid if isinstance(o, Storage) else None
    p.dump(obj)
    return buf.getvalue()


def le(t):
    return t.contiguous().numpy().tobytes()


def rebuild(storage, offset, size, stride, *extra):
    return Call(torch._utils._rebuild_tensor_v2, storage, offset, size, stride, False, collections.OrderedDict(), *extra)


def from_type():
    a = torch.arange(6, dtype=torch.float32) / 8 - 0.3
    b = torch.tensor([1.5, -2.25, 3.0], dtype=torch.float64)
    sa, sb = Storage(torch.FloatStorage, "0", 6), Storage(torch.DoubleStorage, "1", 3)
    sd = collections.OrderedDict()
    sd["plain_type"] = Call(torch._tensor._rebuild_from_type_v2, torch._utils._rebuild_tensor_v2, torch.Tensor,
                            (sa, 0, (2, 3), (3, 1), False, collections.OrderedDict()), {})
    sd["param_type"] = Call(torch._tensor._rebuild_from_type_v2, torch._utils._rebuild_tensor_v2,
                            torch.nn.Parameter, (sa, 1, (2, 2), (1, 2), False, collections.OrderedDict()), {})
    sd["with_metadata"] = rebuild(sb, 0, (3,), (1,), {})
    sd["torch_size"] = rebuild(sa, 0, Call(torch.Size, (3, 2)), (2, 1))
    torch_zip(os.path.join(HERE, "from_type.pth"), craft(sd), {"0": le(a), "1": le(b)}, stem="from_type",
              byteorder=b"little")
    expected("from_type", collections.OrderedDict(
        plain_type=a.view(2, 3), param_type=a.as_strided((2, 2), (1, 2), 1), with_metadata=b, torch_size=a.view(3, 2)))


def bigendian(g):
    """The storages of a mixed-dtype dict byte-swapped and marked "big"; PyTorch wrote the rest."""
    sd = collections.OrderedDict(
        f32=torch.randn(2, 3, generator=g), f16=torch.randn(4, generator=g).half(),
        bf16=torch.randn(3, generator=g).bfloat16(), f64=torch.randn(2, generator=g).double(),
        flags=torch.tensor([True, False]), t=torch.randn(3, 2, generator=g).t())
    src = os.path.join(HERE, "bigendian.tmp")
    torch.save(sd, src)
    size = {"0": 4, "1": 2, "2": 2, "3": 8, "4": 1, "5": 4}
    with zipfile.ZipFile(src) as zin:
        pickled = zin.read("bigendian/data.pkl")
        records = {k: swap(zin.read("bigendian/data/" + k), n) for k, n in size.items()}
    os.remove(src)
    torch_zip(os.path.join(HERE, "bigendian.pth"), pickled, records, stem="bigendian", byteorder=b"big")
    expected("bigendian", collections.OrderedDict((k, v) for k, v in sd.items() if v.is_floating_point()), ["flags"])


def swap(data, n):
    return b"".join(data[i:i + n][::-1] for i in range(0, len(data), n))


def deflated():
    with zipfile.ZipFile(os.path.join(HERE, "module.pth")) as zin, \
            zipfile.ZipFile(os.path.join(HERE, "deflated.pth"), "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(zipfile.ZipInfo(info.filename.replace("module/", "deflated/", 1), DATE),
                          zin.read(info), compress_type=zipfile.ZIP_DEFLATED)
    shutil.copyfile(os.path.join(HERE, "module.expected.safetensors"), os.path.join(HERE, "deflated.expected.safetensors"))


def hostile_fixtures():
    os.makedirs(HOSTILE, exist_ok=True)
    four = le(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    s4 = Storage(torch.FloatStorage, "0", 4)
    ok = rebuild(s4, 0, (4,), (1,))

    def h(name, pickled, records=None, **kw):
        torch_zip(os.path.join(HOSTILE, name + ".pth"), pickled, {"0": four} if records is None else records, **kw)

    touch = "touch " + MARKER
    h("os_system", craft(Call(os.system, touch)))
    h("builtins_eval", craft(collections.OrderedDict(w=ok, x=Call(eval, "__import__('os').system('%s')" % touch))))
    h("stack_global", craft(Call(os.system, touch), protocol=4))
    h("hook_global", craft(collections.OrderedDict(
        w=Call(torch._utils._rebuild_tensor_v2, s4, 0, (4,), (1,), False, collections.OrderedDict(h=os.system)))))
    h("from_type_func", craft(collections.OrderedDict(
        w=Call(torch._tensor._rebuild_from_type_v2, collections.OrderedDict, torch.Tensor, (), {}))))
    h("inst_opcode", b"\x80\x02(X\x04\x00\x00\x00echoios\nsystem\n.")
    h("unknown_opcode", b"\x80\x02}\xff.")
    h("no_stop", craft(collections.OrderedDict(w=ok))[:-1])
    h("memo_missing", b"\x80\x02}h\x07.")
    h("memo_huge", b"\x80\x02}r\xf0\xff\xff\xff.")
    h("huge_storage", craft(collections.OrderedDict(w=rebuild(Storage(torch.FloatStorage, "0", 1 << 40), 0, (4,), (1,)))))
    h("huge_tensor", craft(collections.OrderedDict(w=rebuild(s4, 0, (1 << 20, 1 << 20), (0, 0)))))
    h("beyond_storage", craft(collections.OrderedDict(w=rebuild(s4, 1, (2, 2), (2, 1)))))
    h("negative_dim", craft(collections.OrderedDict(w=rebuild(s4, 0, (-1, 4), (4, 1)))))
    h("negative_stride", craft(collections.OrderedDict(w=rebuild(s4, 3, (4,), (-1,)))))
    h("missing_storage", craft(collections.OrderedDict(w=rebuild(Storage(torch.FloatStorage, "5", 4), 0, (4,), (1,)))))
    h("short_record", craft(collections.OrderedDict(w=rebuild(Storage(torch.FloatStorage, "0", 8), 0, (8,), (1,)))))
    h("mixed_storage_type", craft(collections.OrderedDict(
        w=ok, i=rebuild(Storage(torch.IntStorage, "0", 4), 0, (4,), (1,)))))
    h("bad_persistent_id", craft(collections.OrderedDict(
        w=rebuild(Storage(torch.FloatStorage, "0", 4), 0, (4,), (1,)))).replace(b"storage", b"mmapped"))
    h("non_dict", craft([ok]))
    h("int_key", craft({0: ok}))
    h("non_tensor_value", craft(collections.OrderedDict(w=ok, epoch=3)))
    h("size_not_tuple", craft(collections.OrderedDict(w=rebuild(s4, 0, "4", (1,)))))
    h("self_list", b"\x80\x02}q\x00X\x01\x00\x00\x00w]q\x01h\x01as.")
    h("deep_tuple", b"\x80\x02)" + b"\x85" * 1_000_000 + b".", method=zipfile.ZIP_DEFLATED)
    h("mark_bomb", b"\x80\x02" + b"(" * 2_000_000 + b".", method=zipfile.ZIP_DEFLATED)
    h("torchscript_global", b"\x80\x02c__torch__.Net\nNet\n)\x81.")
    h("quantized", craft(collections.OrderedDict(w=Call(torch._utils._rebuild_qtensor, s4, 0, (4,), (1,)))))

    with zipfile.ZipFile(os.path.join(HOSTILE, "no_data_pkl.pth"), "w") as z:
        z.writestr(zipfile.ZipInfo("archive/version", DATE), b"3\n")
        z.writestr(zipfile.ZipInfo("archive/data/0", DATE), four)
    with open(os.path.join(HERE, "module.pth"), "rb") as f:
        module = f.read()
    for name, n in [("truncated_half", len(module) // 2), ("truncated_tail", len(module) - 10), ("truncated_header", 30)]:
        with open(os.path.join(HOSTILE, name + ".pth"), "wb") as f:
            f.write(module[:n])
    # zips whose central directory says a record is longer than the bytes that are there: 4 MiB stored in a
    # file of 500 bytes, and 1 KiB that inflate to 16 bytes
    with open(os.path.join(HOSTILE, "lying_sizes.pth"), "wb") as f:
        f.write(lying_sizes(zipfile.ZIP_STORED, 1 << 20))
    with open(os.path.join(HOSTILE, "lying_deflated.pth"), "wb") as f:
        f.write(lying_sizes(zipfile.ZIP_DEFLATED, 256))


def lying_sizes(method, numel):
    buf = io.BytesIO()
    torch_zip(buf, craft(collections.OrderedDict(w=rebuild(Storage(torch.FloatStorage, "0", numel), 0, (4,), (1,)))),
              {"0": b"\0" * 16}, method=method)
    data = bytearray(buf.getvalue())
    at = data.find(b"archive/data/0", data.find(b"PK\x01\x02")) - 46
    assert data[at:at + 4] == b"PK\x01\x02"
    if method == zipfile.ZIP_STORED:
        struct.pack_into("<I", data, at + 20, 4 * numel)
    struct.pack_into("<I", data, at + 24, 4 * numel)
    return bytes(data)


if __name__ == "__main__":
    if sys.byteorder != "little":
        sys.exit("run on a little-endian machine: the oracle bytes are written from native arrays")
    good_fixtures()
    hostile_fixtures()
