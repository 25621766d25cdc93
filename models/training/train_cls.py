"""Train, select, calibrate-threshold and export the melanoma classifier (MobileNetV2, two stages).

Stage 1: cached bottleneck features (global-average-pooled MobileNetV2 features) -> top model
         Dense 512-512-K (Adam), balanced class weights, early stopping on val AUC.
Stage 2: fine-tune the whole net, SGD momentum 0.9 lr 1e-3, augmentation (rotation, translation,
         scale, flips, colour/contrast), balanced class weights, early stopping (patience 4) on val AUC,
         best checkpoint.
Training regions are cut with perturbed ground-truth masks (dilated / eroded), so the classifier sees
imperfect masks like the device's; val regions come from the shipped segmenter (--segmenter) through
the CONTRACT pipeline, or from the ground-truth masks when no segmenter is given.

  /usr/bin/python3 models/training/train_cls.py --data ../shared/data/isic2017 \
      --aux ../shared/data/isic-aux --segmenter models/lesion-seg-mnv2-unet \
      --npz ../shared/weights/mobilenetv2-imagenet/mobilenetv2_imagenet_backbone.npz \
      --out models/melanoma-cls-mnv2
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

CLASS3 = ["melanoma", "nevus", "seborrheic_keratosis"]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


class Item:
    __slots__ = ("id", "img", "mask", "y", "y3", "src")

    def __init__(self, id_, img, mask, y, y3, src):
        self.id, self.img, self.mask, self.y, self.y3, self.src = id_, img, mask, y, y3, src


def load_items(folder, split, mask_hw, src, with_masks=True):
    items = []
    for r in common.read_labels(folder, split):
        img = common.load_rgb(common.image_path(folder, r["image_id"]))
        m = None
        mp = common.mask_path(folder, r["image_id"])
        if with_masks and os.path.exists(mp):
            m = common.resize_mask_nearest(common.load_mask(mp), *mask_hw)
        items.append(Item(r["image_id"], img, m, int(r["melanoma"]), common.class3_of(r), src))
    return items


def synthetic_items(n, seed, mask_hw, classes):
    rng = np.random.RandomState(seed)
    items = []
    for i in range(n):
        y3 = i % 3 if classes == 3 else (i % 2 == 0) * 0 + (i % 2)
        dark = 1.0 if (y3 == 0 if classes == 3 else y3 == 1) else 0.6
        W, H = [(96, 72), (80, 80), (72, 96)][i % 3]
        img, m = export.synthetic_lesion(rng, W, H, dark=dark)
        m = common.resize_mask_nearest(m, *mask_hw)
        y = int(y3 == 0) if classes == 3 else int(y3)
        items.append(Item("synthetic_%d" % i, img, m, y, 0 if y else 1, "synthetic"))
    return items


def region_tensor(item, spec, mask):
    """Region cut + resize (CONTRACT steps 2-3) -> 3xhxw float in [0,255]."""
    x, _ = common.region_float(item.img, spec, mask)
    return common.resize_float(x, spec["height"], spec["width"])[0]


def targets(items, classes):
    if classes == 1:
        return torch.tensor([[float(it.y)] for it in items])
    return torch.tensor([it.y3 for it in items], dtype=torch.long)


def class_weights(items, classes):
    ys = np.array([it.y if classes == 1 else it.y3 for it in items])
    k = 2 if classes == 1 else 3
    counts = np.bincount(ys, minlength=k).astype(np.float64)
    w = len(ys) / (k * np.maximum(counts, 1))
    return torch.tensor(w, dtype=torch.float32)


def loss_fn(logits, y, cw, classes):
    if classes == 1:
        w = torch.where(y > 0.5, cw[1], cw[0])
        return F.binary_cross_entropy_with_logits(logits, y, weight=w)
    return F.cross_entropy(logits, y, weight=cw)


def mel_prob(logits, classes):
    if classes == 1:
        return torch.sigmoid(logits[:, 0])
    return torch.softmax(logits, dim=1)[:, 0]


def features_of(model, xs, spec, batch=64):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(xs), batch):
            x = common.colour_and_normalise(torch.stack(xs[i:i + batch]), spec)
            out.append(model.bottleneck(x))
    return torch.cat(out)


def predict(model, items, spec, masks, classes, batch=64):
    model.eval()
    ps = []
    with torch.no_grad():
        for i in range(0, len(items), batch):
            xs = [region_tensor(it, spec, m) for it, m in zip(items[i:i + batch], masks[i:i + batch])]
            x = common.colour_and_normalise(torch.stack(xs), spec)
            ps.append(mel_prob(model(x), classes))
    return torch.cat(ps).numpy().astype(np.float64)


def train_top(model, ftr, ytr, fva, yva_mel, cw, classes, epochs=60, patience=6, lr=1e-3, seed=0, batch=64):
    """Stage 1 on cached features. Returns best val AUC."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.top.parameters(), lr=lr, weight_decay=1e-4)
    best, best_state, best_ep = -1.0, None, 0
    for ep in range(epochs):
        model.top.train()
        perm = torch.randperm(len(ftr), generator=gen)
        for i in range(0, len(ftr), batch):
            idx = perm[i:i + batch]
            loss = loss_fn(model.top(ftr[idx]), ytr[idx], cw, classes)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.top.eval()
        with torch.no_grad():
            p = mel_prob(model.top(fva), classes).numpy()
        auc = common.auc_mann_whitney(yva_mel, p) or 0.0
        if auc > best:
            best, best_ep = auc, ep
            best_state = {k: v.clone() for k, v in model.top.state_dict().items()}
        elif ep - best_ep >= patience:
            break
    model.top.load_state_dict(best_state)
    return best, best_ep + 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="data set folder (isic2017 layout): train on 'train', select on 'val'")
    ap.add_argument("--aux", help="extra training folder without masks (isic-aux), used as full images")
    ap.add_argument("--segmenter", help="exported segmenter folder: val regions from its predicted masks")
    ap.add_argument("--npz", help="MobileNetV2 ImageNet npz (folded BN); else torchvision weights")
    ap.add_argument("--init", choices=["npz", "torchvision", "none"], default=None)
    ap.add_argument("--out", help="model folder to write")
    ap.add_argument("--id", default="melanoma-cls-mnv2")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--size", type=int, default=192)
    ap.add_argument("--region", choices=["crop", "masked_crop", "full"], default="crop")
    ap.add_argument("--margin", type=float, default=0.15)
    ap.add_argument("--cc", choices=["none", "sog"], default="sog", help="colour constancy")
    ap.add_argument("--classes", type=int, choices=[1, 3], default=1)
    ap.add_argument("--top-epochs", type=int, default=60)
    ap.add_argument("--epochs", type=int, default=10, help="fine-tune epochs (max; early stopping)")
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--freeze-blocks", type=int, default=0,
                    help="keep the first N blocks of MobileNetV2 features frozen in stage 2 (0: whole net)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=0, help="no new fine-tune epoch after this (0: off)")
    ap.add_argument("--compare", action="store_true",
                    help="stage 1 only, for every region x colour-constancy x aux choice; prints val AUCs")
    ap.add_argument("--compare-regions", default="crop,masked_crop,full")
    ap.add_argument("--compare-cc", default="none,sog")
    ap.add_argument("--compare-limit", type=int, default=0, help="use only the first N train images in --compare")
    ap.add_argument("--smoke", action="store_true", help="tiny network on generated images, a few steps")
    ap.add_argument("--steps", type=int, default=0, help="limit fine-tune steps per epoch (smoke)")
    ap.add_argument("--mask-hw", type=int, nargs=2, default=[192, 256],
                    help="segmenter resolution (h w) for masks when no --segmenter is given")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args(argv)
    argv_str = " ".join(argv if argv is not None else sys.argv[1:])

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    t_start = time.time()
    classes = args.classes
    init = args.init or ("npz" if args.npz else ("none" if args.smoke else "torchvision"))
    workdir = args.workdir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs", args.id)
    os.makedirs(workdir, exist_ok=True)

    seg = None
    mask_hw = tuple(args.mask_hw)
    if args.segmenter:
        import pipeline
        seg = pipeline.ModelFolder(args.segmenter)
        mask_hw = (seg.spec["height"], seg.spec["width"])

    # ---------------------------------------------------------------- data
    if args.smoke:
        train = synthetic_items(24, args.seed, mask_hw, classes)
        val = synthetic_items(12, args.seed + 1, mask_hw, classes)
        aux = []
        datasets = [{"name": "synthetic (generated by the recipe)", "terms": "none"}]
    else:
        train = load_items(args.data, "train", mask_hw, "isic2017")
        val = load_items(args.data, "val", mask_hw, "isic2017")
        aux = load_items(args.aux, None, mask_hw, "isic-aux", with_masks=False) if args.aux else []
        datasets = [{"name": "ISIC 2017 (train/val)", "path": args.data,
                     "terms": "ISIC archive, CC BY-NC for most images; Codella et al. arXiv:1710.05006"}]
        if aux:
            datasets.append({"name": "isic-aux (extra ISIC archive images, training only)", "path": args.aux,
                             "terms": "ISIC archive, CC BY-NC for most images"})
    log("train", len(train), "aux", len(aux), "val", len(val))

    # val masks: the segmenter's (device pipeline) or ground truth
    if seg is not None:
        val_masks = []
        for it in val:
            _, m = pipeline.segment(seg, it.img)
            val_masks.append(m if m.any() else None)
        log("val masks from segmenter", args.segmenter, "empty:", sum(m is None for m in val_masks))
        val_mask_src = "segmenter %s" % seg.manifest["id"]
    else:
        val_masks = [it.mask for it in val]
        val_mask_src = "ground truth"
    yva = np.array([it.y for it in val])

    def make_model(region, cc):
        model = nets.Classifier(num_classes=classes, tiny=args.smoke)
        norm = nets.init_backbone(model.features, init, args.npz)
        ccd = {"method": "shades_of_gray", "p": 6} if cc == "sog" else None
        reg = {"type": region} if region == "full" else {"type": region, "margin": args.margin, "square": True}
        h = w = args.size
        return model, export.input_spec(h, w, norm, ccd, reg)

    def feats(model, spec, items, rng):
        xs = [region_tensor(it, spec, augment.perturb_mask(it.mask, rng) if it.mask is not None else None)
              for it in items]
        return features_of(model, xs, spec)

    def stage1(model, spec, items, rng, ftr=None, fva=None):
        if ftr is None:
            ftr = feats(model, spec, items, rng)
        if fva is None:
            fva = features_of(model, [region_tensor(it, spec, m) for it, m in zip(val, val_masks)], spec)
        return train_top(model, ftr, targets(items, classes), fva, yva, class_weights(items, classes),
                         classes, epochs=args.top_epochs, seed=args.seed)

    if args.compare:
        results = []
        aux_cache = {}
        ctrain = train[:args.compare_limit] if args.compare_limit else train
        for cc in args.compare_cc.split(","):
            for region in args.compare_regions.split(","):
                rng = np.random.RandomState(args.seed)
                torch.manual_seed(args.seed)
                model, spec = make_model(region, cc)
                t0 = time.time()
                ftr = feats(model, spec, ctrain, rng)
                fva = features_of(model, [region_tensor(it, spec, m) for it, m in zip(val, val_masks)], spec)
                if aux and cc not in aux_cache:
                    aux_cache[cc] = feats(model, spec, aux, rng)   # aux has no masks: full image always
                for use_aux in ([False, True] if aux else [False]):
                    torch.manual_seed(args.seed)
                    model.top.apply(lambda m: m.reset_parameters() if hasattr(m, "reset_parameters") else None)
                    its = ctrain + (aux if use_aux else [])
                    f = torch.cat([ftr, aux_cache[cc]]) if use_aux else ftr
                    auc, ep = stage1(model, spec, its, rng, f, fva)
                    results.append({"region": region, "cc": cc, "aux": use_aux, "val_auc": auc, "top_epochs": ep})
                    log("compare", json.dumps(results[-1]), "%.0fs" % (time.time() - t0))
        with open(os.path.join(workdir, "compare.json"), "w") as f:
            json.dump(results, f, indent=1)
        return results

    # ---------------------------------------------------------------- stage 1
    model, spec = make_model(args.region, args.cc)
    items = train + aux
    rng = np.random.RandomState(args.seed)
    auc1, ep1 = stage1(model, spec, items, rng)
    log("stage 1 (top model on cached features): val AUC %.4f after %d epochs" % (auc1, ep1))
    hist = [{"stage": 1, "val_auc": auc1, "epochs": ep1}]

    # ---------------------------------------------------------------- stage 2
    cw = class_weights(items, classes)
    for blk in list(model.features)[:args.freeze_blocks]:
        for prm in blk.parameters():
            prm.requires_grad_(False)
    opt = torch.optim.SGD([q for q in model.parameters() if q.requires_grad], lr=args.lr, momentum=0.9,
                          weight_decay=1e-5)
    gen = torch.Generator().manual_seed(args.seed)
    stopper = common.BestCheckpoint(os.path.join(workdir, "best.pt"), args.patience, model, auc1)
    epochs_run = 0
    nb = (len(items) + args.batch - 1) // args.batch
    if args.steps:
        nb = min(nb, args.steps)
    for ep in range(args.epochs):
        if args.max_minutes and (time.time() - t_start) / 60 > args.max_minutes:
            log("time budget reached before fine-tune epoch", ep + 1)
            break
        model.train()
        if init != "none":
            nets.set_bn_eval(model.features)        # folded ImageNet BN kept fixed; small batches
        perm = np.random.RandomState(args.seed + ep).permutation(len(items))
        t0, tot = time.time(), 0.0
        for b in range(nb):
            batch = [items[i] for i in perm[b * args.batch:(b + 1) * args.batch]]
            xs = torch.stack([region_tensor(it, spec,
                                            augment.perturb_mask(it.mask, rng) if it.mask is not None else None)
                              for it in batch])
            xs, _ = augment.affine(xs, None, rot_deg=180, scale=(0.9, 1.15), shift=0.08, gen=gen)
            xs = augment.colour(xs, gen=gen)
            x = common.colour_and_normalise(xs, spec)
            loss = loss_fn(model(x), targets(batch, classes), cw, classes)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss)
            if b % 20 == 0:
                log("ft ep %d step %d/%d loss %.4f (%.2fs/step)" % (ep + 1, b, nb, loss, (time.time() - t0) / (b + 1)))
        epochs_run = ep + 1
        p = predict(model, val, spec, val_masks, classes)
        auc = common.auc_mann_whitney(yva, p) or 0.0
        hist.append({"stage": 2, "epoch": ep + 1, "loss": tot / nb, "val_auc": auc, "seconds": time.time() - t0})
        log("ft epoch %d loss %.4f val AUC %.4f" % (ep + 1, tot / nb, auc))
        if stopper.update(model, ep + 1, auc):
            log("early stop (patience %d)" % args.patience)
            break
    stopper.restore(model, hist, workdir)
    train_minutes = (time.time() - t_start) / 60
    best_ep = stopper.best_epoch

    # ---------------------------------------------------------------- export + threshold
    out = args.out
    macs, params = export.export_model(model, out, args.size, args.size)
    names = ["melanoma"] if classes == 1 else list(CLASS3)
    man = export.base_manifest(args.id, args.version, "classification", spec,
                               {"name": "logits", "shape": [-1, classes],
                                "activation": "sigmoid" if classes == 1 else "softmax",
                                "class_names": names, "melanoma_index": 0})
    p = predict(model, val, spec, val_masks, classes)
    t = common.threshold_for_sensitivity(yva, p, 0.95)
    st = common.binary_stats(yva, p, t)
    man["thresholds"] = {"referral": t, "referral_sensitivity": st["sensitivity"],
                         "referral_specificity": st["specificity"],
                         "chosen_on": "%s val (%d), regions from %s" % ("synthetic" if args.smoke else "isic2017",
                                                                        len(val), val_mask_src)}
    man["metrics"] = {"selected_on": "val (%s masks)" % val_mask_src, "auc": common.auc_mann_whitney(yva, p),
                      "sensitivity": st["sensitivity"], "specificity": st["specificity"], "f1": st["f1"],
                      "balanced_accuracy": st["balanced_accuracy"], "log_loss": common.log_loss(yva, p),
                      "ece": common.ece(yva, p), "stage1_val_auc": auc1, "best_finetune_epoch": best_ep}
    man["cost"] = {"macs": macs, "params": params, "onnx_bytes": 0}
    man["provenance"] = {
        "datasets": datasets, "terms": datasets[0]["terms"],
        "images": {"train": len(train), "aux": len(aux), "val": len(val)},
        "epochs": epochs_run, "best_epoch": best_ep, "top_model_epochs": ep1, "seed": args.seed, "init": init,
        "frozen_blocks": args.freeze_blocks, "batch": args.batch, "lr": args.lr, "patience": args.patience,
        "train_regions": "perturbed ground-truth masks (dilate/erode up to 6%% of height, shift up to 4%%)"
                         + ("; isic-aux as full images" if aux else ""),
        "date": export.today(), "git_commit": export.git_commit(os.path.dirname(os.path.abspath(__file__))),
        "command": "/usr/bin/python3 models/training/train_cls.py " + argv_str,
        "train_minutes": round(train_minutes, 1), "history": hist}
    # parity fixtures: masks from the segmenter when given (non-empty), else the synthetic ground truth
    rng_f = np.random.RandomState(1234)
    imgs, masks = [], []
    for i in range(4):
        W, H = export.FIXTURE_SIZES[i]
        img, gt = export.synthetic_lesion(rng_f, W, H)
        m = None
        if seg is not None:
            _, m = pipeline.segment(seg, img)
        if m is None or not m.any() or m.mean() > 0.6:       # degenerate (e.g. an untrained tiny segmenter)
            m = common.resize_mask_nearest(gt, *mask_hw)
        imgs.append(img)
        masks.append(m)
    export.cls_fixtures(model, spec, man["output"], os.path.join(out, "fixtures"), imgs, masks)
    export.write_manifest(out, man)
    log("exported", out, "macs", macs, "params", params, "val", json.dumps(man["metrics"]))
    return model, man


if __name__ == "__main__":
    main()
