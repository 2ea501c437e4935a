#!/usr/bin/env python3
"""Writes testdata/malformed/ (one defective checkpoint per defect, each with a .expect sidecar holding a fragment
of the message jdit must give) and testdata/diffusers/dit_tiny_transformer/ (the golden tiny DiT in diffusers
layout, split into two shards with an index). Standard library only; run after make_torch_fixtures.py.
"""
import json, os, shutil, struct, zipfile

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata")
mal = os.path.join(root, "malformed")
shutil.rmtree(mal, ignore_errors=True)
os.makedirs(mal)


def expect(name, fragment):
    with open(os.path.join(mal, name + ".expect"), "w") as f:
        f.write(fragment + "\n")


def st_bytes(header, data=b"", length=None):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(h) if length is None else length) + h + data


def st(name, fragment, header, data=b"", length=None):
    with open(os.path.join(mal, name), "wb") as f:
        f.write(st_bytes(header, data, length))
    expect(name, fragment)


def read_st(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    return json.loads(b[8:8 + n]), b[8 + n:]


def write_st(path, tensors, meta=None):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    h, off = {}, 0
    if meta:
        h["__metadata__"] = meta
    for n, d, s, raw in tensors:
        h[n] = {"dtype": d, "shape": s, "data_offsets": [off, off + len(raw)]}
        off += len(raw)
    hb = json.dumps(h).encode()
    hb += b" " * (-len(hb) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb + b"".join(t[3] for t in tensors))


f32x4 = struct.pack("<4f", 1, 2, 3, 4)
with open(os.path.join(mal, "truncated.safetensors"), "wb") as f:
    f.write(st_bytes({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, f32x4)[:5])
expect("truncated.safetensors", "truncated")
st("header_longer_than_file.safetensors", "larger than the file", b'{"w":{}}', length=1000)
st("header_length_absurd.safetensors", "exceeds the limit", b'{}', length=1 << 40)
st("json_not_well_formed.safetensors", "not well-formed JSON", b'{"w": {"dtype": "F32", "shape": [4], ')
st("ranges_overlap.safetensors", "overlap",
   {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
    "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, f32x4 * 2)
st("range_outside_data.safetensors", "outside the data section",
   {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, f32x4[:8])
st("unknown_dtype.safetensors", "unknown dtype 'Q4'",
   {"w": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 16]}}, f32x4)
st("shape_mismatch.safetensors", "needs 36 bytes",
   {"w": {"dtype": "F32", "shape": [3, 3], "data_offsets": [0, 16]}}, f32x4)
st("duplicate_key.safetensors", "duplicate key 'w'",
   b'{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', f32x4)
st("negative_dim.safetensors", "negative",
   {"w": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}, f32x4)
st("metadata_not_strings.safetensors", "__metadata__ value of 'steps' is not a string",
   {"__metadata__": {"steps": 5}, "w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, f32x4)


def torch_zip(name, pickle, fragment, extra=()):
    with zipfile.ZipFile(os.path.join(mal, name), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle)
        z.writestr("archive/version", "3\n")
        for n, b in extra:
            z.writestr(n, b)
    expect(name, fragment)


# GLOBAL 'os system', the string 'ls', a 1-tuple, REDUCE: what a malicious "checkpoint" looks like.
torch_zip("pickle_os_system.pt", b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00ls\x85R.", "refusing global 'os.system'")
# The same through STACK_GLOBAL (protocol 4) with builtins.eval.
torch_zip("pickle_builtins_eval.pt",
          b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x041+1\x85R.", "refusing global 'builtins.eval'")
torch_zip("pickle_argparse_namespace.pt", b"\x80\x02cargparse\nNamespace\n)R.", "refusing global 'argparse.Namespace'")
# A dict whose key is a list that contains itself: hashing it would recurse forever.
torch_zip("pickle_recursive_key.pt", b"\x80\x02}q\x00]q\x01h\x01ah\x01Ns.", "dict key of type ArrayList is not allowed")

good = os.path.join(root, "torch", "state_dict_small.pt")
src = zipfile.ZipFile(good)
with zipfile.ZipFile(os.path.join(mal, "missing_storage.pt"), "w", zipfile.ZIP_STORED) as z:
    for i in src.infolist():
        if i.filename != "state_dict_small/data/3":
            z.writestr(i.filename, src.read(i.filename))
expect("missing_storage.pt", "storage 'state_dict_small/data/3'")
with zipfile.ZipFile(os.path.join(mal, "compressed_storage.pt"), "w", zipfile.ZIP_STORED) as z:
    for i in src.infolist():
        method = zipfile.ZIP_DEFLATED if "/data/" in i.filename else zipfile.ZIP_STORED
        z.writestr(i.filename, src.read(i.filename), compress_type=method)
expect("compressed_storage.pt", "is compressed")
raw = open(good, "rb").read()
with open(os.path.join(mal, "truncated_zip.pt"), "wb") as f:
    f.write(raw[:len(raw) // 2])
expect("truncated_zip.pt", "no zip end-of-central-directory record")
with open(os.path.join(mal, "legacy_format.pt"), "wb") as f:
    f.write(bytes([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]) + b".")
expect("legacy_format.pt", "legacy (pre-1.6) torch.save format")

# A diffusers folder from the golden tiny DiT (diffusers layout), in two shards.
golden = os.path.join(root, "golden", "dit", "dit_tiny_diffusers.safetensors")
header, data = read_st(golden)
header.pop("__metadata__", None)
tensors = [(n, h["dtype"], h["shape"], data[h["data_offsets"][0]:h["data_offsets"][1]]) for n, h in header.items()]
config = {"_class_name": "DiTTransformer2DModel", "_diffusers_version": "0.33.1", "activation_fn": "gelu-approximate",
          "attention_bias": True, "attention_head_dim": 16, "dropout": 0.0, "in_channels": 4, "norm_elementwise_affine": False,
          "norm_eps": 1e-05, "norm_type": "ada_norm_zero", "num_attention_heads": 4, "num_embeds_ada_norm": 10,
          "num_layers": 2, "out_channels": 8, "patch_size": 2, "sample_size": 8, "upcast_attention": False}


def folder(path, shards, index_map):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    for fname, ts in shards.items():
        write_st(os.path.join(path, fname), ts)
    total = sum(len(t[3]) for ts in shards.values() for t in ts)
    with open(os.path.join(path, "diffusion_pytorch_model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": index_map}, f, indent=2)


half = len(tensors) // 2
s1, s2 = "diffusion_pytorch_model-00001-of-00002.safetensors", "diffusion_pytorch_model-00002-of-00002.safetensors"
full_map = {t[0]: (s1 if i < half else s2) for i, t in enumerate(tensors)}
folder(os.path.join(root, "diffusers", "dit_tiny_transformer"), {s1: tensors[:half], s2: tensors[half:]}, full_map)
folder(os.path.join(mal, "diffusers_missing_shard"), {s1: tensors[:half]}, full_map)
expect("diffusers_missing_shard", "shard 'diffusion_pytorch_model-00002-of-00002.safetensors'")
bad_map = dict(full_map)
bad_map["not.in.any.shard"] = s1
folder(os.path.join(mal, "diffusers_tensor_not_in_shard"), {s1: tensors[:half], s2: tensors[half:]}, bad_map)
expect("diffusers_tensor_not_in_shard", "tensor 'not.in.any.shard' is mapped to shard")
print("wrote", mal, "and", os.path.join(root, "diffusers"))
