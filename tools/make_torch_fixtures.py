#!/usr/bin/python3
"""Writes testdata/torch/: real torch.save checkpoints plus the exact values they must load as.

Run with a Python that has torch (Debian's python3-torch 1.13 works). The expected values are written as raw
little-endian bytes of each tensor in row-major order plus a JSON manifest, without safetensors or jdit code,
so the Java test compares against an independent source.
"""
import collections, json, os, sys
import torch

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "torch")
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(1234)

def rnd(*shape):
    return torch.randn(*shape, generator=g) * 3 + 0.5

base = rnd(6, 7)
shared = rnd(40)
sd = collections.OrderedDict()
sd["f32.odd"] = rnd(3, 5, 7)
sd["f16.vec"] = rnd(13).half()
sd["bf16.mat"] = rnd(5, 9).bfloat16()
sd["f64.mat"] = rnd(2, 3).double()
sd["i64.idx"] = torch.tensor([-5, 0, 7, 2**40, -(2**50)], dtype=torch.int64)
sd["i32.vec"] = torch.tensor([1, -2, 3, 2**30], dtype=torch.int32)
sd["u8.vec"] = torch.tensor([0, 1, 255, 128, 7], dtype=torch.uint8)
sd["bool.mask"] = torch.tensor([[True, False, True], [False, False, True]])
sd["i8.vec"] = torch.tensor([-128, -1, 0, 127], dtype=torch.int8)
sd["scalar"] = torch.tensor(3.25)
sd["transposed"] = base.t()                # non-contiguous view: strides (1, 7)
sd["shared.a"] = shared[2:12].view(2, 5)   # two views of one storage, with storage offsets
sd["shared.b"] = shared[20:35]
sd["param.weight"] = torch.nn.Parameter(rnd(4, 3))
torch.save(sd, os.path.join(out, "state_dict_small.pt"))
torch.save({"ema": sd, "step": 5, "note": "training checkpoint"}, os.path.join(out, "ema_checkpoint.pt"))

names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
         torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8", torch.bool: "BOOL", torch.int8: "I8"}
manifest = []
blob = bytearray()
for k, v in sd.items():
    v = v.detach().contiguous()
    raw = v.view(torch.int16).numpy().tobytes() if v.dtype == torch.bfloat16 else v.numpy().tobytes()
    assert sys.byteorder == "little"
    manifest.append({"name": k, "dtype": names[v.dtype], "shape": list(v.shape), "offset": len(blob), "length": len(raw)})
    blob += raw
with open(os.path.join(out, "state_dict_small.expected.bin"), "wb") as f:
    f.write(blob)
with open(os.path.join(out, "state_dict_small.expected.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print("torch", torch.__version__, "->", out)

# Golden tiny weights as the published checkpoints are stored: torch.save of a plain state dict (F32), like
# DiT-XL-2-256x256.pt and Wan2.1_VAE.pth.
import struct

def golden_state_dict(rel):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "golden", rel)
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    sd = collections.OrderedDict()
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32"
        b, e = v["data_offsets"]
        sd[k] = torch.frombuffer(bytearray(data[b:e]), dtype=torch.float32).reshape(v["shape"]).clone()
    return sd

torch.save(golden_state_dict("dit/dit_tiny.safetensors"), os.path.join(out, "dit_tiny_original.pt"))
torch.save(golden_state_dict("wanvae/wanvae_tiny.safetensors"), os.path.join(out, "wanvae_tiny_original.pth"))
