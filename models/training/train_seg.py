"""Train, select, export the lesion segmenter (MobileNetV2 encoder + U-Net decoder, Dice+BCE).

  /usr/bin/python3 models/training/train_seg.py --data ../shared/data/isic2017 \
      --npz ../shared/weights/mobilenetv2-imagenet/mobilenetv2_imagenet_backbone.npz \
      --out models/lesion-seg-mnv2-unet

With --folders (several folders in the shared layout, e.g. isic2017 and ham10000): de-duplicated, lesion-grouped
(data.py), validation = ISIC 2017 val + HAM10000 val reported per source; the model and the mask threshold are
selected on the mean of the per-source val Jaccards. --epoch-samples draws each epoch from the sources by
--source-shares. A checkpoint (weights, optimiser, schedule, RNG, history) is written after every epoch;
--resume continues from it.
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import augment  # noqa: E402
import common  # noqa: E402
import data  # noqa: E402
import export  # noqa: E402
import nets  # noqa: E402

PP = {"threshold": 0.5, "largest_component": True, "connectivity": 8, "fill_holes": True}
# mask thresholds tried after training; the one with the best mean Jaccard on val ships (CONTRACT: calibrated on val)
THRESHOLD_GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
VAL_SPLITS = {"isic2017": "val", "ham10000": "val"}
TRAIN_SPLITS = {"isic2017": "train", "ham10000": "train"}
TERMS = {"isic2017": "ISIC archive, CC BY-NC for most images; Codella et al. arXiv:1710.05006",
         "ham10000": "CC BY-NC 4.0; Tschandl et al., Sci. Data 5:180161 (2018); masks: Tschandl et al. 2020"}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_split(folder, split, h, w):
    rows = common.read_labels(folder, split)
    xs, ms, ids = [], [], []
    for r in rows:
        img = common.load_rgb(common.image_path(folder, r["image_id"]))
        m = common.load_mask(common.mask_path(folder, r["image_id"]))
        x = common.resize_float(common.to_chw_float(img), h, w)
        ms.append(torch.from_numpy(common.resize_mask_nearest(m, h, w)))
        xs.append(x[0].round().clamp(0, 255).to(torch.uint8))
        ids.append(r["image_id"])
    return torch.stack(xs), torch.stack(ms)[:, None].float(), ids


def load_records(records, h, w):
    """Images resized to h x w (uint8 tensors) and ground-truth masks resized nearest, of records with masks."""
    xs, ms = [], []
    for r in records:
        img = common.load_rgb(r.image_path)
        xs.append(common.resize_float(common.to_chw_float(img), h, w)[0].round().clamp(0, 255).to(torch.uint8))
        ms.append(torch.from_numpy(common.resize_mask_nearest(common.load_mask(r.mask_path), h, w)))
    return torch.stack(xs), torch.stack(ms)[:, None].float()


def multi_source(folders, h, w):
    """(train x, train masks, train sources, {source: (val x, val masks)}, datasets, summary) over folders."""
    recs, dropped = data.deduplicate([data.read_folder(f) for f in folders])
    recs = [r for r in recs if r.mask_path]
    train, val, leaked = data.split_train_val(recs, VAL_SPLITS, {s: TRAIN_SPLITS[s] for s in VAL_SPLITS})
    log("duplicates dropped", dropped, "train dropped for a lesion in val", leaked)
    log("train", json.dumps(data.summary(train)), "val", json.dumps(data.summary(val)))
    t0 = time.time()
    xtr, mtr = load_records(train, h, w)
    vals = {}
    for src in sorted({r.src for r in val}):
        vals[src] = load_records([r for r in val if r.src == src], h, w)
    log("decoded %d images in %.0fs" % (len(train) + len(val), time.time() - t0))
    datasets = [{"name": data.source_name(f), "path": f, "terms": TERMS.get(data.source_name(f), "see its README")}
                for f in folders]
    return xtr, mtr, [r.src for r in train], vals, datasets, {"train": data.summary(train), "val": data.summary(val)}


def synthetic_set(n, h, w, seed):
    rng = np.random.RandomState(seed)
    xs, ms = [], []
    for _ in range(n):
        img, m = export.synthetic_lesion(rng, w, h)
        xs.append(torch.from_numpy(img).permute(2, 0, 1))
        ms.append(torch.from_numpy(m))
    return torch.stack(xs), torch.stack(ms)[:, None].float(), ["synthetic_%d" % i for i in range(n)]


def source_weights(srcs, shares):
    """Per-image draw probabilities: each source gets its share, spread evenly over its images."""
    n = {s: srcs.count(s) for s in set(srcs)}
    w = torch.tensor([shares.get(s, 0.0) / n[s] for s in srcs], dtype=torch.float64)
    if float(w.sum()) <= 0:
        raise ValueError("no source share for any of %s" % sorted(n))
    return w / w.sum()


def dice_bce(logits, target):
    bce = F.binary_cross_entropy_with_logits(logits, target)
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(1, 2, 3))
    den = p.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3))
    dice = 1 - (2 * inter + 1) / (den + 1)
    return bce + dice.mean()


def predict_probs(model, x_u8, spec, batch=32):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x_u8), batch):
            x = common.colour_and_normalise(x_u8[i:i + batch].float(), spec)
            out.append(torch.sigmoid(model(x)).numpy()[:, 0])
    return np.concatenate(out)


def scores(probs, m, pp):
    js, ds = [], []
    for p, g in zip(probs, m.numpy()[:, 0] > 0.5):
        d, j = common.dice_jaccard(common.postprocess_mask(p.astype(np.float64), pp), g)
        js.append(j)
        ds.append(d)
    js = np.array(js)
    return {"jaccard": float(js.mean()), "dice": float(np.mean(ds)),
            "thresholded_jaccard": float(np.where(js < 0.65, 0, js).mean())}


def per_source_scores(probs, vals, pp):
    """{source: scores} and their mean per key (the selection score is the mean of the sources' Jaccards)."""
    out = {src: scores(probs[src], m, pp) for src, (_, m) in vals.items()}
    out["mean_per_source"] = {k: float(np.mean([out[src][k] for src in vals])) for k in next(iter(out.values()))}
    return out


def val_scores(model, vals, spec, pp=PP):
    return per_source_scores({src: predict_probs(model, x, spec) for src, (x, _) in vals.items()}, vals, pp)


def calibrate_threshold(model, vals, spec):
    """Post-processing with the mask threshold of THRESHOLD_GRID that gives the best mean (over the validation
    sources) Jaccard (on a tie the lower one: larger masks keep the whole lesion in the classifier's crop), its
    scores, and the table of all tried."""
    probs = {src: predict_probs(model, x, spec) for src, (x, _) in vals.items()}
    table = [{"threshold": t, **per_source_scores(probs, vals, dict(PP, threshold=t))} for t in THRESHOLD_GRID]
    best = max(table, key=lambda r: (round(r["mean_per_source"]["jaccard"], 4), -r["threshold"]))
    return dict(PP, threshold=best["threshold"]), best, table


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="data set folder (isic2017 layout); train on split 'train', select on 'val'")
    ap.add_argument("--folders", nargs="+", help="several data folders (isic2017, ham10000): see above")
    ap.add_argument("--epoch-samples", type=int, default=0, help="images drawn per epoch (0: every image once)")
    ap.add_argument("--source-shares", default="isic2017=0.5,ham10000=0.5", help="draw shares with --folders")
    ap.add_argument("--resume", action="store_true", help="continue from the workdir's last.pt")
    ap.add_argument("--npz", help="MobileNetV2 ImageNet npz (folded BN); else torchvision weights")
    ap.add_argument("--init", choices=["npz", "torchvision", "none"], default=None)
    ap.add_argument("--out", required=True, help="model folder to write (model.onnx, manifest.json, ...)")
    ap.add_argument("--id", default="lesion-seg-mnv2-unet")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--height", type=int, default=192)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=0, help="stop starting epochs after this (0: off)")
    ap.add_argument("--smoke", action="store_true", help="tiny network on generated images, a few steps")
    ap.add_argument("--steps", type=int, default=0, help="limit steps per epoch (smoke)")
    ap.add_argument("--workdir", default=None, help="checkpoints and logs (default <out>/../training/runs/<id>)")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    seed_all(args.seed)
    t_start = time.time()
    h, w = args.height, args.width
    init = args.init or ("npz" if args.npz else ("none" if args.smoke else "torchvision"))
    model = nets.UNetMNV2(tiny=args.smoke)
    norm = nets.init_backbone(model.features, init, args.npz)
    spec = export.input_spec(h, w, norm)
    workdir = args.workdir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs", args.id)
    os.makedirs(workdir, exist_ok=True)

    summary = None
    if args.smoke:
        xtr, mtr, _ = synthetic_set(24, h, w, args.seed)
        vals = {"synthetic": synthetic_set(8, h, w, args.seed + 1)[:2]}
        srcs = ["synthetic"] * len(xtr)
        datasets = [{"name": "synthetic (generated by the recipe)", "terms": "none"}]
    elif args.folders:
        xtr, mtr, srcs, vals, datasets, summary = multi_source(args.folders, h, w)
    else:
        xtr, mtr, _ = load_split(args.data, "train", h, w)
        vals = {data.source_name(args.data): load_split(args.data, "val", h, w)[:2]}
        srcs = [data.source_name(args.data)] * len(xtr)
        datasets = [{"name": "ISIC 2017 (train/val)", "path": args.data, "terms": TERMS["isic2017"]}]
    log("train", tuple(xtr.shape), "val", {k: tuple(v[0].shape) for k, v in vals.items()}, "init", init)

    shares = dict((kv.split("=")[0], float(kv.split("=")[1])) for kv in args.source_shares.split(","))
    draw = source_weights(srcs, shares) if args.epoch_samples else None
    per_epoch = args.epoch_samples or len(xtr)
    opt = torch.optim.Adam([
        {"params": model.features.parameters(), "lr": args.lr * 0.5},
        {"params": list(model.blocks.parameters()) + list(model.head.parameters()), "lr": args.lr}])
    steps_per_epoch = (per_epoch + args.batch - 1) // args.batch
    if args.steps:
        steps_per_epoch = min(steps_per_epoch, args.steps)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr * 0.5, args.lr], total_steps=total,
                                                pct_start=0.15)
    gen = torch.Generator().manual_seed(args.seed)
    hist = []
    stopper = common.BestCheckpoint(os.path.join(workdir, "best.pt"), args.patience)
    last_path = os.path.join(workdir, "last.pt")
    if args.resume:
        state = torch.load(last_path)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        gen.set_state(state["gen"])
        hist = state["history"]
        stopper.best, stopper.best_epoch = state["best"], state["best_epoch"]
        log("resumed from", last_path, "after epoch", len(hist))
    epochs_run = len(hist)
    stopped = bool(hist) and hist[-1].get("stopped", False)
    for ep in range(len(hist), 0 if stopped else args.epochs):
        if args.max_minutes and (time.time() - t_start) / 60 > args.max_minutes:
            log("time budget reached, stopping before epoch", ep + 1)
            break
        model.train()
        if init != "none":
            nets.set_bn_eval(model.features)           # encoder BN frozen (folded ImageNet statistics)
        perm = (torch.multinomial(draw, per_epoch, replacement=True, generator=gen) if args.epoch_samples
                else torch.randperm(len(xtr), generator=gen))
        t0, tot = time.time(), 0.0
        for s in range(steps_per_epoch):
            idx = perm[s * args.batch:(s + 1) * args.batch]
            x = xtr[idx].float()
            m = mtr[idx]
            x, m = augment.affine(x, m, rot_deg=30, gen=gen)
            x = augment.colour(x, gen=gen)
            x = common.colour_and_normalise(x, spec)
            loss = dice_bce(model(x), (m > 0.5).float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss)
            if s % 20 == 0:
                log("ep %d step %d/%d loss %.4f (%.2fs/step)" % (ep + 1, s, steps_per_epoch, loss,
                                                                 (time.time() - t0) / (s + 1)))
        epochs_run = ep + 1
        sc = val_scores(model, vals, spec)
        hist.append({"epoch": ep + 1, "loss": tot / steps_per_epoch, **sc, "seconds": time.time() - t0})
        log("epoch %d loss %.4f val %s" % (ep + 1, tot / steps_per_epoch, json.dumps(sc)))
        stop = stopper.update(model, ep + 1, sc["mean_per_source"]["jaccard"])
        hist[-1]["stopped"] = stop
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "gen": gen.get_state(), "history": hist, "best": stopper.best,
                    "best_epoch": stopper.best_epoch}, last_path + ".tmp")
        os.replace(last_path + ".tmp", last_path)
        if stop:
            log("early stop (patience %d)" % args.patience)
            break
    stopper.restore(model, hist, workdir)
    train_minutes = (time.time() - t_start) / 60
    best_ep = stopper.best_epoch
    pp, calibrated, threshold_table = calibrate_threshold(model, vals, spec)
    log("mask threshold %.2f on val: %s" % (pp["threshold"], json.dumps(calibrated)))

    # ---------------------------------------------------------------- export
    out = args.out
    macs, params = export.export_model(model, out, h, w)
    man = export.base_manifest(args.id, args.version, "segmentation", spec,
                               {"name": "logits", "shape": [-1, 1, h, w], "activation": "sigmoid",
                                "class_names": ["lesion"]})
    man["postprocess"] = pp
    man["metrics"] = {"selected_on": "mean of the per-source val Jaccards (at the model's resolution)",
                      "best_epoch": best_ep, **calibrated["mean_per_source"],
                      "per_source": {k: v for k, v in calibrated.items() if k not in ("threshold", "mean_per_source")},
                      "threshold_calibration": {"chosen_on": "val", "by": "mean of the per-source mean Jaccards",
                                                "tried": threshold_table}}
    man["cost"] = {"macs": macs, "params": params, "onnx_bytes": 0}
    man["provenance"] = {
        "datasets": datasets, "terms": datasets[0]["terms"],
        "images": {"train": int(len(xtr)), "val": {k: int(len(v[0])) for k, v in vals.items()},
                   "epoch_samples": per_epoch, "source_shares": shares if args.epoch_samples else None},
        "summary": summary,
        "epochs": epochs_run, "best_epoch": best_ep, "seed": args.seed, "init": init,
        "date": export.today(), "git_commit": export.git_commit(os.path.dirname(os.path.abspath(__file__))),
        "command": "/usr/bin/python3 models/training/train_seg.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "train_minutes": round(train_minutes, 1), "history": hist}
    images = export.fixture_images(4)
    export.seg_fixtures(model, spec, pp, os.path.join(out, "fixtures"), images)
    export.write_manifest(out, man)
    log("exported", out, "macs", macs, "params", params)
    return model, man


if __name__ == "__main__":
    main()
