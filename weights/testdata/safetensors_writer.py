"""A safetensors writer written from the format's specification.

The format (https://github.com/huggingface/safetensors): 8 bytes, the
little-endian unsigned length N of the header; N bytes of UTF-8 JSON mapping
each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
into the data that follows, end exclusive), plus an optional "__metadata__"
object of strings; then the data: each tensor's elements, C order,
little-endian, the ranges tiling the data. The header is padded with spaces
to a multiple of 8 bytes, as the reference writer does.

Debian's python3-torch has no safetensors package, so this is used instead
of safetensors.torch.save_file; the files it writes are read by that library
too.
"""
import json
import struct

import torch

DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
    torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32",
    torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: take the raw bits
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def save_file(tensors, path, metadata=None):
    """Writes a dict of name -> torch.Tensor to path in safetensors format."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name]
        b = tensor_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
