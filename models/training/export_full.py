"""Export a train_full.py run as a classifier model folder (CONTRACT.md), calibrated and thresholded on the
pooled validation sets, checked on a held-out folder.

1. Weights (default: the run's best epoch) at the input size that epoch was trained at.
2. Platt calibration on the pooled validation logits (ISIC 2017 val + HAM10000 val, regions from the shipped
   segmenter's masks): p = sigmoid(a * logit + b), a and b by maximum likelihood, folded into the exported
   melanoma logit layer (so the manifest and the Java runtime need nothing new). Training drew 30% melanomas,
   so the raw scores are not probabilities; a (a temperature 1/a) and b (the prior shift) fix that.
3. Referral threshold: the largest one with sensitivity >= 0.95 on the pooled validation melanomas
   (common.threshold_for_sensitivity), then sensitivity / specificity with 95% CIs at that threshold on the
   held-out folder (default isic2018-test: never trained or selected on).
4. model.onnx, manifest.json (thresholds, metrics per source, calibration, held-out figures), fixtures.
   The model card, `fit_ood.py` (OOD section) and the full-pipeline `evaluate.py` / Java `eval` comparison
   are the next steps.

  /usr/bin/python3 models/training/export_full.py --workdir models/training/runs/full1 \\
      --out models/melanoma-cls-mnv2-all --version 2.0.0
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import data  # noqa: E402
import export  # noqa: E402
import train_full  # noqa: E402


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def fit_platt(logits, y, iterations=50):
    """(a, b) maximising the likelihood of y under sigmoid(a * logit + b) (Newton's method, 2 parameters)."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x = np.stack([z, np.ones_like(z)], axis=1)
    w = np.array([1.0, 0.0])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        g = x.T @ (p - y)
        h = x.T @ (x * (p * (1 - p))[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(h, g)
        w = w - step
        if np.abs(step).max() < 1e-10:
            break
    return float(w[0]), float(w[1])


def fold_platt(model, a, b):
    """Melanoma logit a * logit + b, in the head's own weights."""
    with torch.no_grad():
        model.head.weight.mul_(a)
        model.head.bias.mul_(a).add_(b)


ALL_VIEWS = ["identity", "hflip", "vflip", "rot180", "rot90", "rot270", "transpose", "transverse"]


def logits_of(model, imgs, masks, size, margin, views=("identity",), batch=32):
    """Melanoma logits, N x len(views), each view as CONTRACT's test-time augmentation makes it."""
    model.eval()
    spec = train_full.spec_for(size, margin)
    out = []
    with torch.no_grad():
        for i in range(0, len(imgs), batch):
            xs = torch.stack([train_full.region(im, m, size, margin)
                              for im, m in zip(imgs[i:i + batch], masks[i:i + batch])])
            x = common.apply_views(common.colour_and_normalise(xs, spec), list(views))
            out.append(model(x)[:, 0].reshape(len(xs), len(views)))
    return torch.cat(out).numpy().astype(np.float64)


def tta_probability(z_views, a, b, idx):
    """Mean over the views idx of the calibrated per-view probabilities (CONTRACT: mean_probability)."""
    return common.sigmoid_np(a * z_views[:, idx] + b).mean(1)


def at(y, p, t, key):
    return common.binary_stats(y, p, t)[key]


def figures(y, p, t):
    st = common.binary_stats(y, p, t)
    return {"images": int(len(y)), "melanomas": int(np.sum(y)), "auc": common.auc_mann_whitney(y, p),
            "auc_ci": common.bootstrap_ci(y, p, common.auc_mann_whitney),
            "sensitivity": st["sensitivity"], "specificity": st["specificity"],
            "sensitivity_ci": common.bootstrap_ci(y, p, lambda yy, pp: at(yy, pp, t, "sensitivity")),
            "specificity_ci": common.bootstrap_ci(y, p, lambda yy, pp: at(yy, pp, t, "specificity")),
            "log_loss": common.log_loss(y, p), "ece": common.ece(y, p)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", required=True, help="train_full.py work folder")
    ap.add_argument("--weights", help="weights file (default: workdir/weights_best.pt)")
    ap.add_argument("--weights-epoch", type=int, help="the epoch --weights are from")
    ap.add_argument("--out", required=True)
    ap.add_argument("--id", default="melanoma-cls-mnv2-all")
    ap.add_argument("--version", default="2.0.0")
    ap.add_argument("--heldout", default=os.path.join(train_full.SHARED, "data", "isic2018-test"))
    ap.add_argument("--sensitivity", type=float, default=0.95)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--segmenter", help="segmenter model folder whose masks cut the regions (default: the run's)")
    ap.add_argument("--tta", default="identity,hflip,vflip,rot180",
                    help="test-time views shipped in the manifest (identity alone: none)")
    ap.add_argument("--no-ablation", action="store_true",
                    help="score only the shipped views (not all 8 for the test-time augmentation table)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    state = torch.load(os.path.join(args.workdir, "last.pt"))
    run = state["args"]
    hist = state["history"]
    best = max(hist, key=lambda h: h["val_auc"]["mean_per_source"])
    if args.weights and args.weights_epoch is None:
        raise SystemExit("--weights needs --weights-epoch (the epoch they are from: its input size)")
    chosen = best if not args.weights else next(h for h in hist if h["epoch"] == args.weights_epoch)
    weights = args.weights or os.path.join(args.workdir, "weights_best.pt")
    size = chosen["size"]
    model = train_full.FullClassifier(tiny=run.get("smoke", False))
    model.load_state_dict(torch.load(weights))
    model.eval()
    log("weights", weights, "(epoch %d of %d run; best by the selection score: %d)"
        % (chosen["epoch"], len(hist), best["epoch"]), "size", size)

    recs, _ = data.deduplicate([data.read_folder(f) for f in run["folders"]])
    train, val, _ = data.split_train_val(recs, train_full.VAL_SPLITS, train_full.TRAIN_SPLITS)
    held = data.read_folder(args.heldout)
    seg_folder = args.segmenter or run["segmenter"]
    seg_hw = data.segmenter_resolution(seg_folder)
    with open(os.path.join(seg_folder, "manifest.json")) as f:
        seg_sha = json.load(f)["sha256"]
    cache = os.path.join(args.workdir, "segmenter_masks_%s.npz" % seg_sha[:12])
    va_imgs, _ = data.load_pixels(val, seg_hw)
    ho_imgs, _ = data.load_pixels(held, seg_hw)
    va_masks = train_full.segmenter_masks(seg_folder, val, va_imgs, cache)
    ho_masks = train_full.segmenter_masks(seg_folder, held, ho_imgs, cache)
    y_va = np.array([r.y for r in val])
    y_ho = np.array([r.y for r in held])
    views = args.tta.split(",")
    if views[0] != "identity" or any(v not in ALL_VIEWS for v in views):
        raise SystemExit("--tta: known views, identity first: %s" % ALL_VIEWS)
    scored = views if args.no_ablation else ALL_VIEWS
    zv_va = logits_of(model, va_imgs, va_masks, size, run["margin"], scored)
    zv_ho = logits_of(model, ho_imgs, ho_masks, size, run["margin"], scored)
    log("view logits of %d val and %d held-out regions, %d views" % (len(y_va), len(y_ho), len(scored)))
    z_va, z_ho = zv_va[:, 0], zv_ho[:, 0]
    a, b = fit_platt(z_va, y_va)
    tta_table = []
    for name, vs in (("identity", ["identity"]), ("flips (4)", ALL_VIEWS[:4]), ("dihedral (8)", ALL_VIEWS),
                     ("shipped", views)):
        if any(v not in scored for v in vs):
            continue
        idx = [scored.index(v) for v in vs]
        pv, ph = tta_probability(zv_va, a, b, idx), tta_probability(zv_ho, a, b, idx)
        row = {"views": name, "val_auc": {src: common.auc_mann_whitney(y_va[sel], pv[sel]) for src, sel in
                                          ((s_, np.array([r.src == s_ for r in val])) for s_ in
                                           sorted({r.src for r in val}))},
               "pooled_val_auc": common.auc_mann_whitney(y_va, pv), "pooled_val_ece": common.ece(y_va, pv),
               "heldout_auc": common.auc_mann_whitney(y_ho, ph)}
        tta_table.append(row)
        log("TTA", json.dumps(row))
    log("Platt calibration on pooled val: a %.4f b %.4f (log-loss %.4f -> %.4f)"
        % (a, b, common.log_loss(y_va, common.sigmoid_np(z_va)),
           common.log_loss(y_va, common.sigmoid_np(a * z_va + b))))
    fold_platt(model, a, b)
    idx = [scored.index(v) for v in views]
    p1_va, p1_ho = common.sigmoid_np(a * z_va + b), common.sigmoid_np(a * z_ho + b)
    t1 = common.threshold_for_sensitivity(y_va, p1_va, args.sensitivity)
    p_va, p_ho = tta_probability(zv_va, a, b, idx), tta_probability(zv_ho, a, b, idx)
    t = common.threshold_for_sensitivity(y_va, p_va, args.sensitivity)
    per_source = {}
    for src in sorted({r.src for r in val}):
        sel = np.array([r.src == src for r in val])
        per_source[src + "_val"] = figures(y_va[sel], p_va[sel], t)
    pooled = figures(y_va, p_va, t)
    heldout = figures(y_ho, p_ho, t)
    single = {"threshold": t1, "pooled_val": figures(y_va, p1_va, t1), "heldout": figures(y_ho, p1_ho, t1)}
    log("single view: threshold %.6f pooled val sens %.3f spec %.3f; held-out sens %.3f spec %.3f AUC %.4f"
        % (t1, single["pooled_val"]["sensitivity"], single["pooled_val"]["specificity"],
           single["heldout"]["sensitivity"], single["heldout"]["specificity"], single["heldout"]["auc"]))
    log("threshold %.6f: pooled val sens %.3f spec %.3f; held-out %s sens %.3f spec %.3f AUC %.4f"
        % (t, pooled["sensitivity"], pooled["specificity"], data.source_name(args.heldout),
           heldout["sensitivity"], heldout["specificity"], heldout["auc"]))

    macs, params = export.export_model(model, args.out, size, size)
    spec = train_full.spec_for(size, run["margin"])
    if len(views) > 1:
        spec["tta"] = {"views": views, "combine": "mean_probability"}
    man = export.base_manifest(args.id, args.version, "classification", spec,
                               {"name": "logits", "shape": [-1, 1], "activation": "sigmoid",
                                "class_names": ["melanoma"], "melanoma_index": 0})
    man["thresholds"] = {"referral": t, "referral_sensitivity": pooled["sensitivity"],
                         "referral_specificity": pooled["specificity"], "target_sensitivity": args.sensitivity,
                         **({"referral_single_view": t1} if len(views) > 1 else {}),
                         "chosen_on": "pooled ISIC 2017 val + HAM10000 val (%d images, %d melanomas), regions from "
                                      "%s's masks" % (len(y_va), int(y_va.sum()), seg_folder)}
    man["metrics"] = {"selected_on": "mean of the per-source val AUCs", "pooled_val": pooled, **per_source,
                      "heldout_" + data.source_name(args.heldout): heldout,
                      "calibration": {"method": "platt (folded into the logit layer)", "a": a, "b": b,
                                      "fitted_on": "pooled val, identity view"},
                      "single_view": single, "tta_ablation": tta_table}
    man["cost"] = {"macs": macs, "params": params, "onnx_bytes": 0}
    man["provenance"] = {"datasets": list(run["folders"]), "run": args.workdir, "weights": weights,
                         "epoch": chosen["epoch"], "epochs_run": len(hist),
                         "images": {"train": data.summary(train), "val": data.summary(val),
                                    "heldout": data.summary(held)},
                         "schedule": {k: run.get(k) for k in ("sizes", "epoch_samples", "batch", "lr_body", "lr_head",
                                                              "warmup_steps", "source_shares", "melanoma_share",
                                                              "margin", "margin_jitter", "dx_weight", "seed")},
                         "history": hist, "date": export.today(),
                         "git_commit": export.git_commit(os.path.dirname(os.path.abspath(__file__))),
                         "command": "/usr/bin/python3 models/training/export_full.py " + " ".join(
                             argv if argv is not None else sys.argv[1:])}
    rng = np.random.RandomState(1234)
    imgs, masks = [], []
    for i in range(4):
        img, gt = export.synthetic_lesion(rng, *export.FIXTURE_SIZES[i])
        imgs.append(img)
        masks.append(common.resize_mask_nearest(gt, *seg_hw))
    man["provenance"]["segmenter"] = seg_folder
    export.cls_fixtures(model, spec, man["output"], os.path.join(args.out, "fixtures"), imgs, masks)
    export.write_manifest(args.out, man)
    problems = export.verify_folder(args.out)
    log("exported", args.out, "verify:", "OK" if not problems else problems)
    return man


if __name__ == "__main__":
    main()
