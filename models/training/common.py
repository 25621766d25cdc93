"""Shared reference code: data loading, the CONTRACT.md preprocessing, mask post-processing,
classifier region and metrics.  Everything the Java runtime must reproduce lives here, in one place.

numpy + PIL + torch only (no scipy / sklearn / onnxruntime).
"""
import csv
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

SEG_THRESHOLD = 0.5


# --------------------------------------------------------------------------- data
def load_rgb(path):
    """Decode to 8-bit RGB, EXIF orientation honoured (CONTRACT step 1). Returns HxWx3 uint8."""
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()


def load_mask(path):
    """Binary mask (bool HxW) from a 0/255 PNG (anything >= 128 is lesion)."""
    with Image.open(path) as im:
        return np.asarray(im.convert("L"), dtype=np.uint8) >= 128


def read_labels(folder, split=None):
    """Rows of labels.csv (dicts) of a data set folder in the isic2017 layout, filtered by split."""
    path = os.path.join(folder, "labels.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if split is not None:
        if rows and "split" not in rows[0]:
            raise ValueError("%s has no split column, cannot filter --split %s" % (path, split))
        rows = [r for r in rows if r["split"] == split]
    return rows


def class3_of(row):
    """0 melanoma, 1 nevus (or other benign), 2 seborrheic keratosis."""
    if int(row["melanoma"]) == 1:
        return 0
    sk = row.get("seborrheic_keratosis")
    if sk is not None and sk != "" and int(sk) == 1:
        return 2
    d = (row.get("diagnosis") or "").lower()
    if "seborrheic" in d or "benign keratosis" in d:
        return 2
    return 1


def image_path(folder, image_id):
    return os.path.join(folder, "images", image_id + ".jpg")


def mask_path(folder, image_id):
    return os.path.join(folder, "masks", image_id + "_segmentation.png")


# --------------------------------------------------------------------------- preprocessing
def to_chw_float(img_u8):
    """HxWx3 uint8 -> 1x3xHxW float32 tensor in [0, 255]."""
    return torch.from_numpy(np.ascontiguousarray(img_u8)).permute(2, 0, 1).unsqueeze(0).float()


def resize_float(x, h, w):
    """CONTRACT step 3: bilinear, half-pixel centres, no antialias; skipped when the size matches."""
    if x.shape[-2] == h and x.shape[-1] == w:
        return x
    return F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=False)


def shades_of_gray(x, p=6):
    """CONTRACT step 4 on a Nx3xHxW float tensor in [0,255]. Norms accumulated in float64."""
    xd = x.double()
    e = xd.clamp(min=0).pow(p).mean(dim=(2, 3)).pow(1.0 / p)           # N x 3
    n = torch.sqrt((e * e).sum(dim=1, keepdim=True))                    # N x 1
    gain = torch.where(e > 0, n / (math.sqrt(3.0) * e.clamp(min=1e-30)), torch.ones_like(e))
    return (xd * gain[:, :, None, None]).clamp(0, 255).float()


def normalise(x, spec):
    """CONTRACT step 5: x = (I*scale - mean_c)/std_c."""
    scale = float(spec["scale"])
    mean = torch.tensor(spec["mean"], dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(spec["std"], dtype=torch.float32).view(1, 3, 1, 1)
    return (x * scale - mean) / std


def colour_and_normalise(x, spec):
    cc = spec.get("colour_constancy")
    if cc:
        assert cc["method"] == "shades_of_gray"
        x = shades_of_gray(x, cc.get("p", 6))
    return normalise(x, spec)


def crop_rect_from_mask(mask, W, H, margin, square):
    """CONTRACT classifier region: mask (h_s x w_s bool) -> (rx0, ry0, rx1, ry1) in image coords,
    or None when the mask is empty."""
    h_s, w_s = mask.shape
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    x0, x1 = int(xs.min()), int(xs.max()) + 1
    y0, y1 = int(ys.min()), int(ys.max()) + 1
    fx0, fx1 = x0 * W / w_s, x1 * W / w_s
    fy0, fy1 = y0 * H / h_s, y1 * H / h_s
    cx, cy = (fx0 + fx1) / 2.0, (fy0 + fy1) / 2.0
    bw = (fx1 - fx0) * (1 + 2 * margin)
    bh = (fy1 - fy0) * (1 + 2 * margin)
    if square:
        bw = bh = max(bw, bh)
    rx0 = max(0, math.floor(cx - bw / 2.0))
    rx1 = min(W, math.ceil(cx + bw / 2.0))
    ry0 = max(0, math.floor(cy - bh / 2.0))
    ry1 = min(H, math.ceil(cy + bh / 2.0))
    return rx0, ry0, rx1, ry1


def mask_to_image_grid(mask, W, H, rect):
    """Nearest lookup of the model-resolution mask at the image pixels inside rect (CONTRACT masked_crop)."""
    h_s, w_s = mask.shape
    rx0, ry0, rx1, ry1 = rect
    ys = np.minimum(h_s - 1, np.floor((np.arange(ry0, ry1) + 0.5) * h_s / H).astype(np.int64))
    xs = np.minimum(w_s - 1, np.floor((np.arange(rx0, rx1) + 0.5) * w_s / W).astype(np.int64))
    return mask[ys[:, None], xs[None, :]]


def region_float(img_u8, spec, mask):
    """CONTRACT step 2. Returns (1x3xhxw float tensor in [0,255] before resizing, crop_rect)."""
    H, W = img_u8.shape[:2]
    region = spec.get("region") or {"type": "full"}
    x = to_chw_float(img_u8)
    if region["type"] == "full" or mask is None:
        return x, [0, 0, W, H]
    rect = crop_rect_from_mask(mask, W, H, float(region.get("margin", 0.0)), bool(region.get("square", False)))
    if rect is None:
        return x, [0, 0, W, H]
    rx0, ry0, rx1, ry1 = rect
    x = x[:, :, ry0:ry1, rx0:rx1].clone()
    if region["type"] == "masked_crop":
        m = torch.from_numpy(mask_to_image_grid(mask, W, H, rect))
        fill = torch.tensor([mu / float(spec["scale"]) for mu in spec["mean"]], dtype=torch.float32)
        x = torch.where(m[None, None], x, fill.view(1, 3, 1, 1))
    elif region["type"] != "crop":
        raise ValueError("unknown region type %r" % region["type"])
    return x, list(rect)


def preprocess(img_u8, spec, mask=None):
    """Full CONTRACT preprocessing. Returns (1x3xhxw float32 tensor, crop_rect)."""
    x, rect = region_float(img_u8, spec, mask)
    x = resize_float(x, int(spec["height"]), int(spec["width"]))
    return colour_and_normalise(x, spec), rect


# --------------------------------------------------------------------------- test-time augmentation (CONTRACT)
_VIEWS = {
    "identity": lambda x: x,
    "hflip": lambda x: torch.flip(x, (3,)),
    "vflip": lambda x: torch.flip(x, (2,)),
    "rot180": lambda x: torch.flip(x, (2, 3)),
    "rot90": lambda x: torch.rot90(x, 1, (2, 3)),
    "rot270": lambda x: torch.rot90(x, 3, (2, 3)),
    "transpose": lambda x: x.transpose(2, 3),
    "transverse": lambda x: torch.flip(x, (2, 3)).transpose(2, 3),
}
SQUARE_ONLY_VIEWS = ("rot90", "rot270", "transpose", "transverse")


def tta_views(spec):
    """The manifest's view names (input.tta), or ["identity"] without test-time augmentation."""
    tta = spec.get("tta")
    return list(tta["views"]) if tta else ["identity"]


def apply_views(x, views):
    """CONTRACT test-time augmentation: N x 3 x h x w -> (N*V) x 3 x h x w, the views of each item together."""
    for v in views:
        if v not in _VIEWS:
            raise ValueError("unknown test-time view %r" % v)
        if v in SQUARE_ONLY_VIEWS and x.shape[2] != x.shape[3]:
            raise ValueError("view %r needs a square input, not %dx%d" % (v, x.shape[2], x.shape[3]))
    return torch.stack([_VIEWS[v](x) for v in views], 1).reshape(-1, *x.shape[1:]).contiguous()


# --------------------------------------------------------------------------- post-processing
def sigmoid_np(z):
    z = np.asarray(z, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-z))


def softmax_np(z):
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _neighbour_min(lab, big, connectivity):
    """Per pixel, the minimum of lab over itself and its 4- or 8-neighbours (outside the image: big)."""
    h, w = lab.shape
    p = np.full((h + 2, w + 2), big, dtype=lab.dtype)
    p[1:-1, 1:-1] = lab
    out = lab.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if (dy or dx) and (connectivity == 8 or dy == 0 or dx == 0):
                np.minimum(out, p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w], out=out)
    return out


def label_components(mask, connectivity=8):
    """Connected components of a bool mask; labels 1..n numbered in row-major order of each
    component's first pixel. Returns (labels int32 array, sizes list with sizes[k-1] for label k).
    Vectorised: every foreground pixel takes the smallest row-major index in its component (repeated
    neighbourhood minimum until nothing changes), which is the component's first pixel."""
    h, w = mask.shape
    big = h * w
    lab = np.where(mask, np.arange(big, dtype=np.int64).reshape(h, w), big)
    while True:
        nxt = np.where(mask, _neighbour_min(lab, big, connectivity), big)
        if np.array_equal(nxt, lab):
            break
        lab = nxt
    firsts, inverse, counts = np.unique(lab[mask], return_inverse=True, return_counts=True)
    labels = np.zeros((h, w), dtype=np.int32)
    labels[mask] = inverse.astype(np.int32) + 1        # np.unique sorts: label order = first-pixel order
    return labels, [int(c) for c in counts]


def largest_component(mask, connectivity=8):
    labels, sizes = label_components(mask, connectivity)
    if not sizes:
        return np.zeros_like(mask, dtype=bool)
    best = int(np.argmax(sizes)) + 1          # argmax returns the first maximum: row-major tie rule
    return labels == best


def fill_holes(mask):
    """Background pixels not 4-connected to the image border become foreground."""
    bg = ~mask
    h, w = mask.shape
    outside = np.zeros_like(bg)
    outside[0, :], outside[-1, :], outside[:, 0], outside[:, -1] = bg[0, :], bg[-1, :], bg[:, 0], bg[:, -1]
    while True:
        grown = outside.copy()
        grown[1:, :] |= outside[:-1, :]
        grown[:-1, :] |= outside[1:, :]
        grown[:, 1:] |= outside[:, :-1]
        grown[:, :-1] |= outside[:, 1:]
        grown &= bg
        if np.array_equal(grown, outside):
            break
        outside = grown
    return ~outside


def postprocess_mask(prob, pp):
    """CONTRACT segmentation post-processing on the probability map (h x w)."""
    m = prob >= float(pp.get("threshold", SEG_THRESHOLD))
    if pp.get("largest_component", True):
        m = largest_component(m, int(pp.get("connectivity", 8)))
    if pp.get("fill_holes", True):
        m = fill_holes(m)
    return m


def resize_mask_nearest(mask, h_s, w_s):
    """Ground truth to the segmenter's resolution: dst(y,x) = src[min(H-1, floor((y+0.5)*H/h_s)),
    min(W-1, floor((x+0.5)*W/w_s))]; identity when the sizes match."""
    H, W = mask.shape
    if (H, W) == (h_s, w_s):
        return mask
    ys = np.minimum(H - 1, np.floor((np.arange(h_s) + 0.5) * H / h_s).astype(np.int64))
    xs = np.minimum(W - 1, np.floor((np.arange(w_s) + 0.5) * W / w_s).astype(np.int64))
    return mask[ys[:, None], xs[None, :]]


def _bilinear_taps(n_out, n_in):
    """Source rows (or columns) and weights of half-pixel-centred bilinear resizing, in double precision:
    s = max(0, (i + 0.5) * n_in / n_out - 0.5), i0 = floor(s), i1 = min(i0 + 1, n_in - 1), weight of i1 = s - i0."""
    s = np.maximum((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0.0)
    i0 = np.minimum(np.floor(s).astype(np.int64), n_in - 1)
    return i0, np.minimum(i0 + 1, n_in - 1), s - i0


def upsample_mask(mask, H, W):
    """The device's binary mask (segmenter resolution) at H x W for scoring against a ground truth there: 0/1
    resized bilinearly with half-pixel centres in double precision (_bilinear_taps, columns first, then rows:
    the Java eval computes the same expression in the same order, so ties at exactly 0.5 fall the same way),
    foreground where > 0.5. Identity when the sizes match."""
    if mask.shape == (H, W):
        return mask
    m = np.asarray(mask, dtype=np.float64)
    y0, y1, wy = _bilinear_taps(H, m.shape[0])
    x0, x1, wx = _bilinear_taps(W, m.shape[1])
    top = m[y0][:, x0] * (1 - wx) + m[y0][:, x1] * wx
    bottom = m[y1][:, x0] * (1 - wx) + m[y1][:, x1] * wx
    return top * (1 - wy)[:, None] + bottom * wy[:, None] > 0.5


# --------------------------------------------------------------------------- out-of-distribution score
def ood_scores(ood, feats):
    """Manifest "ood" score of each row of feats (CONTRACT), double precision: d = f - mean,
    z_k = d . c_k, score = sum_k z_k^2 / eigenvalues_k + |d - sum_k z_k c_k|^2 / residual_variance."""
    mean = np.array(ood["mean"], dtype=np.float64)
    c = np.array(ood["components"], dtype=np.float64)
    ev = np.array(ood["eigenvalues"], dtype=np.float64)
    d = np.asarray(feats, dtype=np.float64).reshape(-1, len(mean)) - mean
    z = d @ c.T
    r = d - z @ c
    return (z * z / ev).sum(axis=1) + (r * r).sum(axis=1) / float(ood["residual_variance"])


# --------------------------------------------------------------------------- metrics
class JavaRandom:
    """java.util.Random (48-bit LCG) so the Java eval can reproduce the bootstrap exactly."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)

    def _next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        r = self.seed >> (48 - bits)
        if bits == 32 and r >= (1 << 31):
            r -= 1 << 32                        # Java int is signed
        return r

    def next_int(self, bound):
        r = self._next(31)
        m = bound - 1
        if (bound & m) == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if u - r + m < (1 << 31):
                return r
            u = self._next(31)


def auc_mann_whitney(y, p):
    """ROC AUC = P(p_pos > p_neg) + 0.5 P(tie), over all positive/negative pairs. None if one class."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=np.float64)
    pos, neg = p[y], p[~y]
    if len(pos) == 0 or len(neg) == 0:
        return None
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(len(allv), dtype=np.float64)
    sv = allv[order]
    i = 0
    while i < len(sv):                          # average ranks for ties
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    r_pos = ranks[:len(pos)].sum()
    return float((r_pos - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg)))


def percentile_linear(values, q):
    v = np.sort(np.asarray(values, dtype=np.float64))
    pos = q / 100.0 * (len(v) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(v) - 1)
    return float(v[lo] + (v[hi] - v[lo]) * (pos - lo))


def bootstrap_ci(y, p, stat, n_boot=2000, seed=0):
    """Resample images with replacement (java.util.Random(seed).nextInt(n), n draws per resample);
    resamples where stat is None (one class only) are skipped. Percentiles 2.5 / 97.5 (linear)."""
    y = np.asarray(y)
    p = np.asarray(p)
    n = len(y)
    if n == 0:
        return None
    rng = JavaRandom(seed)
    vals = []
    for _ in range(n_boot):
        idx = np.fromiter((rng.next_int(n) for _ in range(n)), dtype=np.int64, count=n)
        v = stat(y[idx], p[idx])
        if v is not None:
            vals.append(v)
    if not vals:
        return None
    return [percentile_linear(vals, 2.5), percentile_linear(vals, 97.5)]


def roc_points(y, p):
    """(fpr, tpr, thresholds) for every distinct threshold, predicting positive when p >= t."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=np.float64)
    ts = np.unique(p)[::-1]
    P, N = max(1, y.sum()), max(1, (~y).sum())
    fpr, tpr = [0.0], [0.0]
    for t in ts:
        pred = p >= t
        tpr.append(float((pred & y).sum() / P))
        fpr.append(float((pred & ~y).sum() / N))
    return np.array(fpr), np.array(tpr), ts


def threshold_for_sensitivity(y, p, target=0.95):
    """Referral threshold: take the largest score s with sensitivity(p >= s) >= target, then return the
    midpoint between s and the next lower distinct score (s itself if none), so that the decision on
    every image is the same as at s but a tiny numerical difference (Java vs PyTorch) cannot flip it."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=np.float64)
    u = np.unique(p)[::-1]
    for i, t in enumerate(u):
        if ((p >= t) & y).sum() / max(1, y.sum()) >= target:
            return float((t + u[i + 1]) / 2.0) if i + 1 < len(u) else float(t)
    return float(p.min())


def binary_stats(y, p, t):
    y = np.asarray(y).astype(bool)
    pred = np.asarray(p, dtype=np.float64) >= t
    tp = int((pred & y).sum()); fn = int((~pred & y).sum())
    tn = int((~pred & ~y).sum()); fp = int((pred & ~y).sum())
    sens = tp / (tp + fn) if tp + fn else None
    spec = tn / (tn + fp) if tn + fp else None
    f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else None
    bacc = (sens + spec) / 2 if sens is not None and spec is not None else None
    return {"tp": tp, "fn": fn, "tn": tn, "fp": fp, "sensitivity": sens, "specificity": spec,
            "f1": f1, "balanced_accuracy": bacc}


def log_loss(y, p):
    y = np.asarray(y, dtype=np.float64)
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def ece(y, p, bins=10):
    """Expected calibration error: bin b = min(bins-1, floor(p*bins)); sum_b n_b/N |mean p - mean y|."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    b = np.minimum(bins - 1, np.floor(p * bins).astype(np.int64))
    total = 0.0
    for k in range(bins):
        sel = b == k
        if sel.any():
            total += sel.sum() / len(p) * abs(p[sel].mean() - y[sel].mean())
    return float(total)


def dice_jaccard(pred, gt):
    """Per-image Dice and Jaccard of two bool masks; both empty -> 1.0."""
    inter = int((pred & gt).sum())
    a, b = int(pred.sum()), int(gt.sum())
    union = a + b - inter
    if a + b == 0:
        return 1.0, 1.0
    return 2.0 * inter / (a + b), inter / union


class BestCheckpoint:
    """Early stopping on a validation score (higher is better): keeps the best epoch's weights in `path` and
    says when `patience` epochs have passed without a new best."""

    def __init__(self, path, patience, model=None, score=-1.0):
        """With `model`, its current weights count as epoch 0 with `score` (a stage that must be beaten)."""
        self.path, self.patience = path, patience
        self.best, self.best_epoch = score, -1
        if model is not None:
            self.best_epoch = 0
            torch.save(model.state_dict(), path)

    def update(self, model, epoch, score):
        """Records `epoch`'s score, saving the weights when it is the best yet; True when patience has run out."""
        if score > self.best:
            self.best, self.best_epoch = score, epoch
            torch.save(model.state_dict(), self.path)
            return False
        return epoch - self.best_epoch >= self.patience

    def restore(self, model, history, workdir):
        """Loads the best weights into `model` (eval mode) and writes `history` to workdir/history.json."""
        model.load_state_dict(torch.load(self.path))
        model.eval()
        with open(os.path.join(workdir, "history.json"), "w") as f:
            json.dump(history, f, indent=1)
