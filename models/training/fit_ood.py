"""Out-of-distribution check for a classifier model folder (contract: the manifest's "ood" section).

1. Adds a second graph output `features` (float32 [N, D]: the globally average-pooled backbone features that
   feed the head) to model.onnx when it is missing; the logits are untouched.
2. Computes those features on training regions cut as the device cuts them, fits PCA-Mahalanobis statistics
   (mean, K principal axes, their variances, the mean residual variance) on part of them and sets the
   threshold at a quantile of the scores of the held-back part (scores of the fitted images themselves are
   optimistic).
3. Records the rejection rate on ISIC 2017 val and HAM10000 val (regions from the segmenter's masks, the
   device pipeline) and on generated non-dermoscopic images (noise, flat colours, gradients, checkerboards,
   stripes, text-like marks), writes the "ood" section, the new sha256, `ood_score` in fixtures/expected.json,
   and checks that every fixture's melanoma_probability is unchanged (1e-6).

Score (double precision), d = f - mean, z_k = d . c_k:
    score = sum_k z_k^2 / eigenvalues_k + |d - sum_k z_k c_k|^2 / residual_variance

  /usr/bin/python3 models/training/fit_ood.py --classifier models/melanoma-cls-mnv2 --version 1.1.1
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import data  # noqa: E402
import export  # noqa: E402
from onnxrun import OnnxModel  # noqa: E402

FEATURES = "features"
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
DIGITS = 8          # significant digits written to the manifest (scores are computed from the written values)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# --------------------------------------------------------------------------- graph
def pooled_tensor(model):
    """Name of the global-average-pool tensor that feeds the head: the output of the graph's only
    GlobalAveragePool / ReduceMean node."""
    pools = [n for n in model.graph.node if n.op_type in ("GlobalAveragePool", "ReduceMean")]
    if len(pools) != 1:
        raise ValueError("expected one global pooling node, found %d (%s)" % (len(pools),
                                                                          [n.name for n in pools]))
    return pools[0].output[0]


def add_features_output(onnx_path):
    """Adds output `features` = Flatten(pooled tensor) to the graph when missing. Returns D."""
    m = onnx.load(onnx_path)
    names = [o.name for o in m.graph.output]
    if FEATURES not in names:
        pooled = pooled_tensor(m)
        m.graph.node.append(helper.make_node("Flatten", [pooled], [FEATURES], axis=1, name="features_flatten"))
        batch = m.graph.output[0].type.tensor_type.shape.dim[0]
        out = helper.make_tensor_value_info(FEATURES, TensorProto.FLOAT, [None, None])
        dims = out.type.tensor_type.shape.dim
        dims[0].CopyFrom(batch)
        m.graph.output.append(out)
        onnx.checker.check_model(m)
        onnx.save(m, onnx_path)
    om = OnnxModel(onnx_path)
    x = np.zeros([1] + om.input_shape()[1:], dtype=np.float32)
    d = int(om.run_all(x)[FEATURES].shape[1])
    m = onnx.load(onnx_path)
    out = [o for o in m.graph.output if o.name == FEATURES][0]
    dim1 = out.type.tensor_type.shape.dim[1]
    if not dim1.HasField("dim_value") or dim1.dim_value != d:
        dim1.Clear()
        dim1.dim_value = d
        onnx.checker.check_model(m)
        onnx.save(m, onnx_path)
    return d


# --------------------------------------------------------------------------- statistics
def fit_pca(feats, k):
    """PCA of feats (n x D): mean, the top-k unit axes (rows), their variances, mean residual variance."""
    f = np.asarray(feats, dtype=np.float64)
    mean = f.mean(axis=0)
    x = f - mean
    cov = x.T @ x / max(1, len(f) - 1)
    ev, vec = np.linalg.eigh(cov)
    order = np.argsort(ev)[::-1]
    ev, vec = ev[order], vec[:, order]
    d = f.shape[1]
    resid = float(ev[k:].clip(min=0).sum() / max(1, d - k))
    return mean, vec[:, :k].T.copy(), ev[:k].copy(), resid


def rounded(a):
    return [float("%.*g" % (DIGITS, v)) for v in np.asarray(a, dtype=np.float64).ravel()]


def ood_section(mean, comps, evs, resid):
    """The manifest's statistics as written (rounded); scores are computed from these values."""
    return {"output": FEATURES, "method": "pca_mahalanobis", "mean": rounded(mean),
            "components": [rounded(c) for c in comps], "eigenvalues": rounded(evs),
            "residual_variance": float("%.*g" % (DIGITS, resid))}


def quantile_threshold(scores, q):
    return common.percentile_linear(scores, 100.0 * q)


# --------------------------------------------------------------------------- features of images
def features_of(om, spec, imgs, masks, batch=32):
    """Classifier features of each image's device region (mask None or empty: the full image)."""
    import torch
    out = []
    for i in range(0, len(imgs), batch):
        xs = [common.preprocess(im, spec, m if m is not None and m.any() else None)[0]
              for im, m in zip(imgs[i:i + batch], masks[i:i + batch])]
        out.append(om.run_all(torch.cat(xs))[FEATURES].numpy().astype(np.float64))
    return np.concatenate(out) if out else np.zeros((0, 0))


# --------------------------------------------------------------------------- generated non-dermoscopic images
def non_dermoscopic_images(n_per_kind=24, seed=7):
    """(kind, uint8 HxWx3) pairs: noise, flat colours, gradients, checkerboards, stripes, text-like marks."""
    rng = np.random.RandomState(seed)
    sizes = [(200, 150), (256, 192), (320, 240), (240, 240)]
    out = []
    for i in range(n_per_kind):
        W, H = sizes[i % len(sizes)]
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
        if i % 3 == 0:
            noise = rng.uniform(0, 255, (H, W, 3))
        elif i % 3 == 1:
            noise = np.repeat(rng.normal(128, rng.uniform(10, 80), (H, W, 1)), 3, axis=2)
        else:
            noise = rng.normal(rng.uniform(60, 200, 3), rng.uniform(5, 40), (H, W, 3))
        out.append(("noise", noise))
        out.append(("flat", np.ones((H, W, 3)) * rng.uniform(0, 255, 3)))
        a, b = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
        if i % 2:
            t = np.hypot(xx - W * rng.uniform(0.2, 0.8), yy - H * rng.uniform(0.2, 0.8)) / np.hypot(W, H)
        else:
            ang = rng.uniform(0, np.pi)
            t = (np.cos(ang) * xx / W + np.sin(ang) * yy / H)
        t = (t - t.min()) / max(1e-9, t.max() - t.min())
        out.append(("gradient", a * (1 - t[..., None]) + b * t[..., None]))
        cell = int(rng.choice([4, 8, 16, 24, 40]))
        chk = ((xx // cell + yy // cell) % 2)[..., None]
        out.append(("checkerboard", a * chk + b * (1 - chk)))
        period = rng.uniform(6, 40)
        st = (np.sin(2 * np.pi * (xx * np.cos(i) + yy * np.sin(i)) / period) > 0)[..., None]
        out.append(("stripes", a * st + b * (1 - st)))
        out.append(("text", text_like(rng, W, H)))
    return [(k, np.clip(np.round(v), 0, 255).astype(np.uint8)) for k, v in out]


def text_like(rng, W, H):
    """Dark glyph-like marks in lines on a light page (a printed form or a label photographed)."""
    paper = rng.uniform(200, 255, 3)
    im = Image.new("RGB", (W, H), tuple(int(v) for v in paper))
    d = ImageDraw.Draw(im)
    ink = tuple(int(v) for v in rng.uniform(0, 90, 3))
    line_h = int(rng.uniform(10, 22))
    for y in range(int(line_h * 0.7), H - line_h, line_h):
        x = int(rng.uniform(4, 20))
        while x < W - 10:
            word = "".join(chr(int(rng.randint(65, 91))) if rng.rand() < 0.5 else chr(int(rng.randint(97, 123)))
                           for _ in range(int(rng.randint(2, 9))))
            d.text((x, y), word, fill=ink)
            x += 7 * len(word) + int(rng.uniform(5, 12))
    return np.asarray(im, dtype=np.float64)


# --------------------------------------------------------------------------- main
def device_masks(seg_folder, recs, imgs, cache):
    import train_full
    return train_full.segmenter_masks(seg_folder, recs, imgs, cache)


def update_fixtures(folder, man, om, tol=1e-6):
    """Adds ood_score to every fixture; fails if a fixture's melanoma_probability moved by more than tol."""
    for e, res, view_probs in export.cls_fixture_runs(folder, man, om):
        p = float(view_probs.mean(0)[man["output"]["melanoma_index"]])
        if abs(p - e["melanoma_probability"]) > tol:
            raise AssertionError("%s: melanoma_probability %r, fixture says %r" % (e["file"], p,
                                                                                    e["melanoma_probability"]))
        e["ood_score"] = float(common.ood_scores(man["ood"], res[FEATURES][:1].numpy())[0])


def fit(folder, train_imgs, train_masks, val_sets, k, quantile, holdout, fitted_on, seed=0, synthetic=None,
        cache=None):
    """Fits and writes the "ood" section of `folder` (features output added first). val_sets:
    {name: (imgs, masks)}; cache: .npz keeping the training features between runs (same model file and
    image count). Returns (manifest, report)."""
    d = add_features_output(os.path.join(folder, "model.onnx"))
    with open(os.path.join(folder, "manifest.json")) as f:
        man = json.load(f)
    om = OnnxModel(os.path.join(folder, man["file"]))
    spec = man["input"]
    key = "%s:%d" % (export.sha256_file(os.path.join(folder, man["file"])), len(train_imgs))
    if cache and os.path.exists(cache) and str(np.load(cache)["key"]) == key:
        ftr = np.load(cache)["features"]
        log("features of %d training regions from %s" % (len(ftr), cache))
    else:
        t0 = time.time()
        ftr = features_of(om, spec, train_imgs, train_masks)
        log("features of %d training regions (D=%d) in %.0fs" % (len(ftr), d, time.time() - t0))
        if cache:
            np.savez(cache, key=key, features=ftr)
    perm = np.random.RandomState(seed).permutation(len(ftr))
    n_hold = int(round(holdout * len(ftr)))
    hold, fit_idx = perm[:n_hold], perm[n_hold:]
    ood = ood_section(*fit_pca(ftr[fit_idx], k))
    s_hold = common.ood_scores(ood, ftr[hold])
    s_fit = common.ood_scores(ood, ftr[fit_idx])
    ood["threshold"] = float("%.*g" % (DIGITS, quantile_threshold(s_hold, quantile)))
    ood["threshold_quantile"] = quantile
    ood["fitted_on"] = fitted_on + ("; PCA on %d of them, threshold = the %.3f quantile of the scores of the "
                                    "other %d (held back)" % (len(fit_idx), quantile, n_hold))
    report = {"features": d, "components": k, "fit_images": int(len(fit_idx)), "held_back": int(n_hold),
              "score_median_fit": float(np.median(s_fit)), "score_median_held_back": float(np.median(s_hold)),
              "threshold": ood["threshold"]}
    rejected = {}
    for name, (imgs, masks) in val_sets.items():
        s = common.ood_scores(ood, features_of(om, spec, imgs, masks))
        rejected[name] = float(np.mean(s > ood["threshold"]))
        report["val_score_median_" + name] = float(np.median(s))
        log("%s: %d images, rejected %.4f (median score %.1f)" % (name, len(s), rejected[name], np.median(s)))
    ood["val_rejected"] = rejected
    if synthetic is not None:
        kinds, imgs, masks = synthetic
        s = common.ood_scores(ood, features_of(om, spec, imgs, masks))
        passed = s <= ood["threshold"]
        found = np.array([m is not None and m.any() for m in masks])
        by_kind = {}
        for kd, ok in zip(kinds, passed):
            n, m = by_kind.get(kd, (0, 0))
            by_kind[kd] = (n + 1, m + int(ok))
        ood["synthetic_let_through"] = {"images": len(s), "let_through": int(passed.sum()),
                                        "let_through_with_a_lesion_found": int((passed & found).sum()),
                                        "by_kind": {kd: "%d/%d" % (m, n) for kd, (n, m) in by_kind.items()},
                                        "min_score": float(s.min())}
        log("generated non-dermoscopic images let through: %d of %d %s (lowest score %.1f); of those, with a "
            "non-empty segmenter mask: %d" % (passed.sum(), len(s), ood["synthetic_let_through"]["by_kind"], s.min(),
                                               (passed & found).sum()))
    man["ood"] = ood
    export.write_manifest(folder, man)
    update_fixtures(folder, man, om)
    return man, report


def synthetic_inputs(seg_folder):
    """Generated non-dermoscopic images with the device's masks (segmenter; empty: full image)."""
    import pipeline
    seg = pipeline.ModelFolder(seg_folder)
    kinds, imgs = zip(*non_dermoscopic_images())
    return list(kinds), list(imgs), pipeline.segment_batch(seg, imgs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--classifier", required=True, help="classifier model folder (modified in place)")
    ap.add_argument("--segmenter", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                        "lesion-seg-mnv2-unet"))
    ap.add_argument("--version", help="new manifest version")
    ap.add_argument("--components", type=int, default=32)
    ap.add_argument("--quantile", type=float, default=0.995)
    ap.add_argument("--holdout", type=float, default=0.2)
    ap.add_argument("--per-source", type=int, default=2000, help="training images per source (0: all)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs",
                                                    "ood-segmenter-masks.npz"))
    ap.add_argument("--report", help="write the fit report (JSON) here")
    ap.add_argument("--features-cache", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs",
                                                             "ood-train-features.npz"))
    args = ap.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    recs, _ = data.deduplicate([data.read_folder(os.path.join(SHARED, f)) for f in ("isic2017", "ham10000")])
    train, val, _ = data.split_train_val(recs, {"isic2017": "val", "ham10000": "val"},
                                         {"isic2017": "train", "ham10000": "train"})
    rng = np.random.RandomState(0)
    pick = []
    for src in ("isic2017", "ham10000"):
        idx = [i for i, r in enumerate(train) if r.src == src]
        if args.per_source and len(idx) > args.per_source:
            idx = sorted(rng.choice(idx, args.per_source, replace=False))
        pick += idx
    train = [train[i] for i in pick]
    seg_hw = data.segmenter_resolution(args.segmenter)
    t0 = time.time()
    tr_imgs, tr_masks = data.load_pixels(train, seg_hw)
    va_imgs, _ = data.load_pixels(val, seg_hw)
    os.makedirs(os.path.dirname(args.cache), exist_ok=True)
    va_masks = device_masks(args.segmenter, val, va_imgs, args.cache)
    log("loaded %d + %d images, val masks from the segmenter, in %.0fs" % (len(tr_imgs), len(va_imgs),
                                                                           time.time() - t0))
    val_sets = {}
    for src in ("isic2017", "ham10000"):
        sel = [i for i, r in enumerate(val) if r.src == src]
        val_sets[src + "_val"] = ([va_imgs[i] for i in sel], [va_masks[i] for i in sel])
    fitted_on = ("classifier regions (CONTRACT crop) of %d ISIC 2017 train + HAM10000 train images (%s), cut "
                 "from their ground-truth masks at the segmenter's resolution %dx%d"
                 % (len(train), ", ".join("%s %d" % (s, sum(r.src == s for r in train))
                                          for s in ("isic2017", "ham10000")), seg_hw[0], seg_hw[1]))
    if args.version:
        with open(os.path.join(args.classifier, "manifest.json")) as f:
            man = json.load(f)
        man["version"] = args.version
        export.write_manifest(args.classifier, man)
    man, report = fit(args.classifier, tr_imgs, tr_masks, val_sets, args.components, args.quantile,
                      args.holdout, fitted_on, synthetic=synthetic_inputs(args.segmenter),
                      cache=args.features_cache)
    prov = man.setdefault("provenance", {})
    prov["ood_command"] = "/usr/bin/python3 models/training/fit_ood.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    prov["ood_date"] = export.today()
    export.write_manifest(args.classifier, man)
    problems = export.verify_folder(args.classifier)
    log("verify:", "OK" if not problems else problems)
    report.update({"val_rejected": man["ood"]["val_rejected"],
                   "synthetic_let_through": man["ood"].get("synthetic_let_through")})
    log("report", json.dumps(report))
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
