"""One loader over any list of data folders in the shared layout (`images/<id>.jpg`, optional
`masks/<id>_segmentation.png`, `labels.csv` with `image_id`, `melanoma`, optional `split`, `lesion_id`,
diagnosis columns).

- De-duplicated by image id: the first folder listed that holds an id owns it (list ham10000 before
  isic-aux: 1,362 isic-aux images are HAM10000 images, 209 of them in HAM10000's val split).
- Lesion-grouped: an image whose lesion (`lesion_id`, or a known near-duplicate pair) is on the validation
  side never trains.
- The diagnosis is kept as a 4-group label (melanoma / nevus / keratosis / other; -1 where unknown).
"""
import json
import os
from collections import Counter

import numpy as np

import common

DX_GROUPS = ["melanoma", "nevus", "keratosis", "other"]
UNKNOWN_DX = -1

# near-duplicate image pairs named by the data READMEs (a pair is one lesion for grouping)
NEAR_DUPLICATES = [("ISIC_0012290", "ISIC_0013594"), ("ISIC_0012672", "ISIC_0012673"),
                   ("ISIC_0012756", "ISIC_0013184"), ("ISIC_0012970", "ISIC_0012127")]

_DX_WORDS = [("melanoma", 0), ("mel", 0), ("nevus", 1), ("nv", 1), ("seborrheic", 2), ("keratosis", 2),
             ("bkl", 2), ("akiec", 3), ("bcc", 3), ("basal", 3), ("squamous", 3), ("df", 3),
             ("dermatofibroma", 3), ("vasc", 3), ("vascular", 3)]


def dx_group(row):
    """4-group diagnosis of a labels.csv row; melanoma == 1 always wins; -1 when no diagnosis column says."""
    if int(row["melanoma"]) == 1:
        return 0
    sk = row.get("seborrheic_keratosis")
    if sk not in (None, "") and int(sk) == 1:
        return 2
    for col in ("dx", "diagnosis"):
        v = (row.get(col) or "").strip().lower()
        if not v:
            continue
        if v == "actinic keratosis":          # a precancerous keratosis: grouped with "other" (not benign)
            return 3
        for word, g in _DX_WORDS:
            if v == word or word in v.split() or word in v.replace("_", " ").split():
                return g
    return UNKNOWN_DX


class Record:
    """One labelled image (pixels loaded later): source folder name, id, labels, lesion group, paths."""
    __slots__ = ("src", "id", "split", "y", "dx", "lesion", "image_path", "mask_path")

    def __init__(self, src, id_, split, y, dx, lesion, image_path, mask_path):
        self.src, self.id, self.split, self.y, self.dx = src, id_, split, y, dx
        self.lesion, self.image_path, self.mask_path = lesion, image_path, mask_path


def source_name(folder):
    return os.path.basename(os.path.normpath(folder))


def read_folder(folder):
    """Records of one folder, in labels.csv order. Missing image files are an error naming them."""
    src = source_name(folder)
    out = []
    for r in common.read_labels(folder):
        iid = r["image_id"]
        ip = common.image_path(folder, iid)
        if not os.path.exists(ip):
            raise FileNotFoundError("%s: labels.csv names %s but %s is missing" % (folder, iid, ip))
        mp = common.mask_path(folder, iid)
        lesion = (r.get("lesion_id") or "").strip() or iid
        out.append(Record(src, iid, (r.get("split") or "").strip() or None, int(r["melanoma"]), dx_group(r),
                          lesion, ip, mp if os.path.exists(mp) else None))
    return out


def deduplicate(records_per_folder):
    """Concatenate folders' records keeping the first occurrence of each image id.
    Returns (records, {source: number of images dropped as duplicates of an earlier folder})."""
    seen, out, dropped = set(), [], Counter()
    for recs in records_per_folder:
        for r in recs:
            if r.id in seen:
                dropped[r.src] += 1
                continue
            seen.add(r.id)
            out.append(r)
    return out, dict(dropped)


def lesion_key(rec, alias):
    return alias.get(rec.id, rec.lesion)


def split_train_val(records, val_sources, train_sources):
    """val: records of `val_sources` ({source: split name}) in that split; train: records of
    `train_sources` ({source: split name or None for every row}) whose lesion is not in val.
    Returns (train, val, number of train candidates dropped for sharing a lesion with val)."""
    alias = {}
    for a, b in NEAR_DUPLICATES:
        alias[b] = a
        alias[a] = a
    val = [r for r in records if r.src in val_sources and r.split == val_sources[r.src]]
    val_lesions = {lesion_key(r, alias) for r in val}
    train, leaked = [], 0
    for r in records:
        if r.src not in train_sources:
            continue
        want = train_sources[r.src]
        if want is not None and r.split != want:
            continue
        if lesion_key(r, alias) in val_lesions:
            leaked += 1
            continue
        train.append(r)
    return train, val, leaked


def summary(records):
    """{source: {"images": n, "melanoma": m, "with_mask": k, "dx": {group: count}}}."""
    out = {}
    for r in records:
        s = out.setdefault(r.src, {"images": 0, "melanoma": 0, "with_mask": 0, "dx": Counter()})
        s["images"] += 1
        s["melanoma"] += r.y
        s["with_mask"] += r.mask_path is not None
        s["dx"][DX_GROUPS[r.dx] if r.dx >= 0 else "unknown"] += 1
    for s in out.values():
        s["dx"] = dict(s["dx"])
    return out


def load_pixels(records, mask_hw):
    """Decoded images (uint8 HxWx3) and ground-truth masks at mask_hw (bool, or None) for records."""
    imgs, masks = [], []
    for r in records:
        imgs.append(common.load_rgb(r.image_path))
        masks.append(common.resize_mask_nearest(common.load_mask(r.mask_path), *mask_hw)
                     if r.mask_path else None)
    return imgs, masks


def sampling_weights(records, source_shares, melanoma_share):
    """Per-record probabilities for drawing a source- and class-balanced epoch: each source gets its share
    (renormalised over the sources present), inside it melanomas get `melanoma_share` of the draws."""
    srcs = sorted({r.src for r in records})
    shares = np.array([float(source_shares.get(s, 0.0)) for s in srcs])
    if shares.sum() <= 0:
        raise ValueError("no source share for any of %s" % srcs)
    shares = dict(zip(srcs, shares / shares.sum()))
    n_by = Counter((r.src, r.y) for r in records)
    w = np.zeros(len(records))
    for i, r in enumerate(records):
        has_both = n_by[(r.src, 0)] > 0 and n_by[(r.src, 1)] > 0
        cls_share = (melanoma_share if r.y else 1 - melanoma_share) if has_both else 1.0
        w[i] = shares[r.src] * cls_share / n_by[(r.src, r.y)]
    return w / w.sum()


def segmenter_resolution(seg_folder):
    """(height, width) of a segmenter model folder's input: the resolution of the device's masks."""
    with open(os.path.join(seg_folder, "manifest.json")) as f:
        spec = json.load(f)["input"]
    return int(spec["height"]), int(spec["width"])
