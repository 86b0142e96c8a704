"""Checkpoint writers: safetensors (single and sharded), sharded torch bins, and a zip re-packer that
makes ZIP64, deflated or far-offset variants of a torch.save archive. They write test fixtures and
random InfiMM-HD checkpoints; output is deterministic (keys sorted, fixed timestamps, no varying metadata).

The safetensors writer is here because Debian ships no safetensors package; the format is
8-byte little-endian header length, JSON header, raw little-endian tensor bytes.
"""
import json
import os
import struct
import zipfile
import zlib

import torch

SAFETENSORS_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}


def tensor_bytes(t: torch.Tensor) -> bytes:
    """The tensor's elements in C order, in its own dtype (bf16 included, which numpy lacks)."""
    return t.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def save_safetensors(tensors: dict, path: str, metadata: dict = None) -> None:
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in sorted(metadata.items())}
    for name in sorted(tensors):
        t = tensors[name]
        data = tensor_bytes(t)
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # keeps the data section 8-byte aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def _shards(tensors: dict, max_shard_bytes: int) -> list:
    """Splits sorted keys into consecutive groups of at most max_shard_bytes (one tensor may exceed it)."""
    groups, size = [[]], 0
    for name in sorted(tensors):
        n = tensors[name].numel() * tensors[name].element_size()
        if groups[-1] and size + n > max_shard_bytes:
            groups.append([])
            size = 0
        groups[-1].append(name)
        size += n
    return groups


def _save_sharded(tensors, folder, max_shard_bytes, stem, ext, index_name, save):
    os.makedirs(folder, exist_ok=True)
    groups = _shards(tensors, max_shard_bytes)
    weight_map, total = {}, 0
    for i, names in enumerate(groups, start=1):
        file = f"{stem}-{i:05d}-of-{len(groups):05d}.{ext}"
        save({n: tensors[n] for n in names}, os.path.join(folder, file))
        for n in names:
            weight_map[n] = file
            total += tensors[n].numel() * tensors[n].element_size()
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    with open(os.path.join(folder, index_name), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")


def save_sharded_safetensors(tensors: dict, folder: str, max_shard_bytes: int) -> None:
    """Writes model-0000i-of-0000n.safetensors shards and model.safetensors.index.json."""
    _save_sharded(tensors, folder, max_shard_bytes, "model", "safetensors",
                  "model.safetensors.index.json", save_safetensors)


def save_sharded_torch(tensors: dict, folder: str, max_shard_bytes: int) -> None:
    """Writes pytorch_model-0000i-of-0000n.bin shards (torch.save) and pytorch_model.bin.index.json."""
    _save_sharded(tensors, folder, max_shard_bytes, "pytorch_model", "bin",
                  "pytorch_model.bin.index.json", lambda sd, path: torch.save(dict(sorted(sd.items())), path))


_DOS_DATE, _DOS_TIME = (1980 - 1980) << 9 | 1 << 5 | 1, 0


def repack_zip(src: str, dst: str, zip64: bool = False, deflate: bool = False, gap: int = 0) -> None:
    """Rewrites a zip archive entry by entry.

    zip64: every entry gets ZIP64 records; even entries store sizes and offset as 0xFFFFFFFF with the
        values in the ZIP64 extra field, odd ones only the offset (what a >4 GB torch.save writes),
        and the end of the archive gets the ZIP64 end record and locator.
    deflate: entries are deflate-compressed instead of stored.
    gap: a hole of this many bytes (sparse on most file systems) before the second entry, so that
        later local headers lie past 4 GiB without writing gigabytes (needs zip64).
    """
    if gap and not zip64:
        raise ValueError("offsets past 4 GiB need zip64=True")
    with zipfile.ZipFile(src) as z:
        items = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    central = []
    with open(dst, "wb") as f:
        for i, (name, data) in enumerate(items):
            if i == 1 and gap:
                f.seek(gap, os.SEEK_CUR)
            offset = f.tell()
            method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            if deflate:
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                stored = c.compress(data) + c.flush()
            else:
                stored = data
            crc = zlib.crc32(data)
            full = zip64 and i % 2 == 0
            fname = name.encode()
            local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(stored)) if full else b""
            sizes = (0xFFFFFFFF, 0xFFFFFFFF) if full else (len(stored), len(data))
            version = 45 if zip64 else 20
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, method, _DOS_TIME, _DOS_DATE,
                                crc, sizes[0], sizes[1], len(fname), len(local_extra)))
            f.write(fname + local_extra + stored)
            if zip64:
                values = [len(data), len(stored), offset] if full else [offset]
                extra = struct.pack("<HH", 1, 8 * len(values)) + struct.pack(f"<{len(values)}Q", *values)
                cd_offset = 0xFFFFFFFF
            else:
                extra, cd_offset = b"", offset
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, 0, method,
                                       _DOS_TIME, _DOS_DATE, crc, sizes[0], sizes[1], len(fname),
                                       len(extra), 0, 0, 0, 0, cd_offset) + fname + extra)
        cd_start = f.tell()
        for record in central:
            f.write(record)
        cd_size = f.tell() - cd_start
        if zip64:
            eocd64 = f.tell()
            f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(items), len(items),
                                cd_size, cd_start))
            f.write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
            f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
        else:
            f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(items), len(items), cd_size, cd_start, 0))
