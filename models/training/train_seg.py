"""Train, select, export the lesion segmenter (MobileNetV2 encoder + U-Net decoder, Dice+BCE).

  /usr/bin/python3 models/training/train_seg.py --data ../shared/data/isic2017 \
      --npz ../shared/weights/mobilenetv2-imagenet/mobilenetv2_imagenet_backbone.npz \
      --out models/lesion-seg-mnv2-unet
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
import export  # noqa: E402
import nets  # noqa: E402

PP = {"threshold": 0.5, "largest_component": True, "connectivity": 8, "fill_holes": True}
# mask thresholds tried after training; the one with the best mean Jaccard on val ships (CONTRACT: calibrated on val)
THRESHOLD_GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


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


def synthetic_set(n, h, w, seed):
    rng = np.random.RandomState(seed)
    xs, ms = [], []
    for _ in range(n):
        img, m = export.synthetic_lesion(rng, w, h)
        xs.append(torch.from_numpy(img).permute(2, 0, 1))
        ms.append(torch.from_numpy(m))
    return torch.stack(xs), torch.stack(ms)[:, None].float(), ["synthetic_%d" % i for i in range(n)]


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


def val_scores(model, x_u8, m, spec):
    return scores(predict_probs(model, x_u8, spec), m, PP)


def calibrate_threshold(model, x_u8, m, spec):
    """Post-processing with the mask threshold of THRESHOLD_GRID that gives the best mean Jaccard on the
    selection split (on a tie the lower one: larger masks keep the whole lesion in the classifier's crop),
    its scores, and the table of all tried."""
    probs = predict_probs(model, x_u8, spec)
    table = [{"threshold": t, **scores(probs, m, dict(PP, threshold=t))} for t in THRESHOLD_GRID]
    best = max(table, key=lambda r: (round(r["jaccard"], 4), -r["threshold"]))
    return dict(PP, threshold=best["threshold"]), best, table


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="data set folder (isic2017 layout); train on split 'train', select on 'val'")
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

    if args.smoke:
        xtr, mtr, _ = synthetic_set(24, h, w, args.seed)
        xva, mva, _ = synthetic_set(8, h, w, args.seed + 1)
        datasets = [{"name": "synthetic (generated by the recipe)", "terms": "none"}]
    else:
        xtr, mtr, _ = load_split(args.data, "train", h, w)
        xva, mva, _ = load_split(args.data, "val", h, w)
        datasets = [{"name": "ISIC 2017 (train/val)", "path": args.data,
                     "terms": "ISIC archive, CC BY-NC for most images; Codella et al. arXiv:1710.05006"}]
    log("train", tuple(xtr.shape), "val", tuple(xva.shape), "init", init)

    opt = torch.optim.Adam([
        {"params": model.features.parameters(), "lr": args.lr * 0.5},
        {"params": list(model.blocks.parameters()) + list(model.head.parameters()), "lr": args.lr}])
    steps_per_epoch = (len(xtr) + args.batch - 1) // args.batch
    if args.steps:
        steps_per_epoch = min(steps_per_epoch, args.steps)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr * 0.5, args.lr], total_steps=total,
                                                pct_start=0.15)
    gen = torch.Generator().manual_seed(args.seed)
    hist = []
    stopper = common.BestCheckpoint(os.path.join(workdir, "best.pt"), args.patience)
    epochs_run = 0
    for ep in range(args.epochs):
        if args.max_minutes and (time.time() - t_start) / 60 > args.max_minutes:
            log("time budget reached, stopping before epoch", ep + 1)
            break
        model.train()
        if init != "none":
            nets.set_bn_eval(model.features)           # encoder BN frozen (folded ImageNet statistics)
        perm = torch.randperm(len(xtr), generator=gen)
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
        sc = val_scores(model, xva, mva, spec)
        hist.append({"epoch": ep + 1, "loss": tot / steps_per_epoch, **sc, "seconds": time.time() - t0})
        log("epoch %d loss %.4f val %s" % (ep + 1, tot / steps_per_epoch, json.dumps(sc)))
        if stopper.update(model, ep + 1, sc["jaccard"]):
            log("early stop (patience %d)" % args.patience)
            break
    stopper.restore(model, hist, workdir)
    train_minutes = (time.time() - t_start) / 60
    best_ep = stopper.best_epoch
    pp, calibrated, threshold_table = calibrate_threshold(model, xva, mva, spec)
    log("mask threshold %.2f on val: %s" % (pp["threshold"], json.dumps(calibrated)))

    # ---------------------------------------------------------------- export
    out = args.out
    macs, params = export.export_model(model, out, h, w)
    man = export.base_manifest(args.id, args.version, "segmentation", spec,
                               {"name": "logits", "shape": [-1, 1, h, w], "activation": "sigmoid",
                                "class_names": ["lesion"]})
    man["postprocess"] = pp
    man["metrics"] = {"selected_on": "val", "best_epoch": best_ep,
                      **{k: v for k, v in calibrated.items() if k != "threshold"},
                      "threshold_calibration": {"chosen_on": "val", "by": "mean Jaccard", "tried": threshold_table}}
    man["cost"] = {"macs": macs, "params": params, "onnx_bytes": 0}
    man["provenance"] = {
        "datasets": datasets, "terms": datasets[0]["terms"],
        "images": {"train": int(len(xtr)), "val": int(len(xva))},
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
