"""Issue 14 classifier: the whole MobileNetV2 fine-tuned on all the data, resumable.

Data (data.py): the folders given (default ISIC 2017, HAM10000, isic-aux), de-duplicated by image id, lesion-
grouped; validation = ISIC 2017 `val` and HAM10000 `split=val`, reported per source and pooled, with regions cut
from the shipped segmenter's masks (the device pipeline). isic2018-test is NOT used here: it is kept as the
held-out set on which the referral threshold's sensitivity/specificity is reported (finalize).

Model: MobileNetV2 (ImageNet npz, batch norm folded: kept in eval mode, i.e. frozen statistics, affine
trainable; or with --bn identity re-parameterised to the identity on training regions and trained on batch
statistics) + dropout + a melanoma logit, and a 4-group diagnosis head (melanoma / nevus / keratosis / other)
trained beside it as an auxiliary loss (not exported). AdamW, lower lr for the body, linear warm-up + cosine
over the whole run; progressive resizing (--sizes). Every epoch draws --epoch-samples images source- and
class-balanced; regions are cut around perturbed ground-truth masks (or the segmenter's for images without
masks) with a random margin, as the device cuts them, then rotated / scaled / flipped / colour-jittered.

Every epoch: a log line with per-source and pooled val AUC, workdir/last.pt (full state for --resume),
workdir/weights_last.pt (weights only) and workdir/weights_best.pt (best mean per-source AUC).

  nohup nice -n 19 /usr/bin/python3 models/training/train_full.py --workdir models/training/runs/full1 \
      --threads 2 > models/training/runs/full1.log 2>&1 &
  ... --resume                      # continues from workdir/last.pt with the saved schedule
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import augment  # noqa: E402
import common  # noqa: E402
import data  # noqa: E402
import export  # noqa: E402
import nets  # noqa: E402

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
DEFAULT_FOLDERS = ["isic2017", "ham10000", "isic-aux"]
VAL_SPLITS = {"isic2017": "val", "ham10000": "val"}
TRAIN_SPLITS = {"isic2017": "train", "ham10000": "train", "isic-aux": None}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


class FullClassifier(nn.Module):
    """MobileNetV2 features -> global average pool -> dropout -> melanoma logit [N,1]; `dx` head for training."""

    def __init__(self, dropout=0.2, tiny=False):
        super().__init__()
        self.features, c = nets.make_backbone(tiny)
        self.feat_dim = c
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(c, 1)
        self.dx = nn.Linear(c, len(data.DX_GROUPS))

    def pooled(self, x):
        return self.features(x).mean(dim=(2, 3))

    def forward(self, x):
        return self.head(self.drop(self.pooled(x)))

    def forward_train(self, x):
        f = self.drop(self.pooled(x))
        return self.head(f), self.dx(f)


def parse_sizes(s):
    """'128x3,160x3,192x4' -> [128,128,128,160,160,160,192,192,192,192]."""
    out = []
    for part in s.split(","):
        size, _, n = part.partition("x")
        out += [int(size)] * int(n or 1)
    return out


def lr_factor(step, total, warmup):
    if step < warmup:
        return (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1 + math.cos(math.pi * min(1.0, t)))


def spec_for(size, margin):
    return export.input_spec(size, size, nets.KERAS_NORM, {"method": "shades_of_gray", "p": 6},
                             {"type": "crop", "margin": margin, "square": True})


def region(img, mask, size, margin):
    """Device region (crop around the mask, square, margin) resized to size: 3 x size x size in [0,255]."""
    x, _ = common.region_float(img, spec_for(size, margin), mask)
    return common.resize_float(x, size, size)[0]


def segmenter_masks(seg_folder, records, imgs, cache_path):
    """Post-processed segmenter masks (device pipeline) for records, cached by image id in cache_path."""
    import pipeline
    cache = {}
    if os.path.exists(cache_path):
        with np.load(cache_path) as z:
            cache = {k: z[k] for k in z.files}
    seg = pipeline.ModelFolder(seg_folder)
    todo = [i for i, r in enumerate(records) if r.id not in cache]
    t0 = time.time()
    for s in range(0, len(todo), 256):
        part = todo[s:s + 256]
        for i, m in zip(part, pipeline.segment_batch(seg, [imgs[i] for i in part])):
            cache[records[i].id] = m
        log("segmenter masks %d/%d (%.0fs)" % (s + len(part), len(todo), time.time() - t0))
    if todo:
        np.savez_compressed(cache_path, **cache)
    return [cache[r.id] if cache[r.id].any() else None for r in records]


def predict(model, imgs, masks, size, margin, batch=64):
    model.eval()
    spec = spec_for(size, margin)
    out = []
    with torch.no_grad():
        for i in range(0, len(imgs), batch):
            xs = torch.stack([region(im, m, size, margin) for im, m in zip(imgs[i:i + batch], masks[i:i + batch])])
            out.append(torch.sigmoid(model(common.colour_and_normalise(xs, spec))[:, 0]))
    return torch.cat(out).numpy().astype(np.float64)


def val_report(y, p, srcs):
    rep = {}
    for s in sorted(set(srcs)):
        sel = np.array([x == s for x in srcs])
        rep[s] = common.auc_mann_whitney(y[sel], p[sel])
    rep["pooled"] = common.auc_mann_whitney(y, p)
    per = [v for k, v in rep.items() if k != "pooled"]
    rep["mean_per_source"] = float(np.mean(per))
    t = common.threshold_for_sensitivity(y, p, 0.95)
    st = common.binary_stats(y, p, t)
    rep["pooled_spec_at_sens95"] = st["specificity"]
    return rep


SCHEDULE_KEYS = ("bn", "sizes", "epoch_samples", "batch", "lr_body", "lr_head", "warmup_steps", "seed", "source_shares",
                 "melanoma_share", "margin", "margin_jitter", "dx_weight", "full_image_p")


def snapshot(workdir, folder):
    """Weights-only copy of a run (float16) + history.json + README.md naming the command that continues it."""
    state = torch.load(os.path.join(workdir, "last.pt"))
    os.makedirs(folder, exist_ok=True)
    ep, hist, a = state["epoch"], state["history"], state["args"]
    name = "weights_epoch%02d.pt" % ep
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in state["model"].items()},
               os.path.join(folder, name))
    with open(os.path.join(folder, "history.json"), "w") as f:
        json.dump(hist, f, indent=1)
    opts = " ".join("--%s %s" % (k.replace("_", "-"), a[k]) for k in SCHEDULE_KEYS)
    rel = os.path.relpath(folder, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    lines = ["# Resumable issue-14 classifier run: weights after epoch %d of %d" % (ep, len(parse_sizes(a["sizes"]))),
             "",
             "Weights only (float16, no optimizer state: AdamW's moments restart). Continue the run from the",
             "repository root (the schedule options below are the run's own; the cosine schedule goes on from",
             "the step it had reached):",
             "",
             "    nohup nice -n 19 /usr/bin/python3 models/training/train_full.py --workdir models/training/runs/%s \\"
             % os.path.basename(os.path.normpath(folder)),
             "        --threads 1 %s \\" % opts,
             "        --from-weights %s/%s --start-epoch %d --history %s/history.json \\" % (rel, name, ep, rel),
             "        > models/training/runs/%s.log 2>&1 &" % os.path.basename(os.path.normpath(folder)),
             "",
             "Validation AUC per epoch (regions from the shipped segmenter's masks; mean = selection score):",
             "",
             "| epoch | size | loss | ISIC 2017 val | HAM10000 val | pooled | mean | pooled spec at sens 0.95 |",
             "|---|---|---|---|---|---|---|---|"]
    for h in hist:
        v = h["val_auc"]
        lines.append("| %d | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.3f |" % (
            h["epoch"], h["size"], h["loss"], v["isic2017"], v["ham10000"], v["pooled"], v["mean_per_source"],
            v["pooled_spec_at_sens95"]))
    lines += ["", "Delete this folder once the run is finished and its model shipped (issue 14).", ""]
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write("\n".join(lines))
    log("snapshot of epoch", ep, "written to", folder)
    return folder


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folders", nargs="+", default=[os.path.join(SHARED, "data", f) for f in DEFAULT_FOLDERS],
                    help="data folders, in de-duplication priority order")
    ap.add_argument("--segmenter", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                        "lesion-seg-mnv2-unet"))
    ap.add_argument("--npz", default=os.path.join(SHARED, "weights", "mobilenetv2-imagenet",
                                                  "mobilenetv2_imagenet_backbone.npz"))
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--resume", action="store_true", help="continue from workdir/last.pt (full state)")
    ap.add_argument("--from-weights", help="continue from a weights-only checkpoint (fresh optimizer moments): "
                                           "give the run's original schedule options and --start-epoch")
    ap.add_argument("--start-epoch", type=int, default=0, help="with --from-weights: epochs already done")
    ap.add_argument("--history", help="with --from-weights: the run's history.json so far")
    ap.add_argument("--bn", choices=("frozen", "identity"), default="frozen",
                    help="frozen: the folded ImageNet batch norm stays in eval mode (affine trainable); identity: "
                         "re-parameterised to the identity on training regions, then trained on batch statistics")
    ap.add_argument("--sizes", default="128x2,160x3,192x5", help="per-epoch input size, e.g. 128x2,192x4")
    ap.add_argument("--epoch-samples", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr-body", type=float, default=3e-4)
    ap.add_argument("--lr-head", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--warmup-steps", type=int, default=150)
    ap.add_argument("--dx-weight", type=float, default=0.5, help="weight of the auxiliary diagnosis loss")
    ap.add_argument("--source-shares", default="isic2017=0.45,ham10000=0.45,isic-aux=0.10")
    ap.add_argument("--melanoma-share", type=float, default=0.3)
    ap.add_argument("--margin", type=float, default=0.15, help="device crop margin (val and the centre of train)")
    ap.add_argument("--margin-jitter", type=float, default=0.1)
    ap.add_argument("--full-image-p", type=float, default=0.03, help="train draws cut as the full image (empty mask)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--bench", type=int, default=0, help="time N training batches per size and exit")
    ap.add_argument("--limit", type=int, default=0, help="use only N training records (debug)")
    ap.add_argument("--smoke", action="store_true", help="tiny network from scratch (tests; no --npz needed)")
    ap.add_argument("--snapshot", help="write the run's latest weights (float16, no optimizer state), its "
                                       "history and a README with the command that continues it into this "
                                       "folder, then exit (for committing a run that spans sessions)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.workdir, exist_ok=True)
    last_path = os.path.join(args.workdir, "last.pt")
    if args.snapshot:
        return snapshot(args.workdir, args.snapshot)
    state = None
    if args.resume:
        state = torch.load(last_path)
        saved = state["args"]
        for k in SCHEDULE_KEYS:
            setattr(args, k, saved.get(k, ap.get_default(k)))
        log("resuming from", last_path, "after epoch", state["epoch"])
    sizes = parse_sizes(args.sizes)

    # ---------------------------------------------------------------- data
    recs, dropped = data.deduplicate([data.read_folder(f) for f in args.folders])
    train, val, leaked = data.split_train_val(recs, VAL_SPLITS, TRAIN_SPLITS)
    if args.limit:
        train = train[::max(1, len(train) // args.limit)][:args.limit]
    log("duplicates dropped", dropped, "train dropped for a lesion in val", leaked)
    log("train", json.dumps(data.summary(train)))
    log("val", json.dumps(data.summary(val)))
    seg_hw = data.segmenter_resolution(args.segmenter)
    t0 = time.time()
    tr_imgs, tr_masks = data.load_pixels(train, seg_hw)
    va_imgs, _ = data.load_pixels(val, seg_hw)
    log("decoded %d images in %.0fs" % (len(tr_imgs) + len(va_imgs), time.time() - t0))
    cache = os.path.join(args.workdir, "segmenter_masks.npz")
    va_masks = segmenter_masks(args.segmenter, val, va_imgs, cache)
    nomask = [i for i, m in enumerate(tr_masks) if m is None]
    if nomask:
        pm = segmenter_masks(args.segmenter, [train[i] for i in nomask], [tr_imgs[i] for i in nomask], cache)
        for i, m in zip(nomask, pm):
            tr_masks[i] = m
    log("val masks: %d empty; train images without a mask (segmenter's used): %d"
        % (sum(m is None for m in va_masks), len(nomask)))
    y_va = np.array([r.y for r in val])
    src_va = [r.src for r in val]
    shares = {k: float(v) for k, v in (kv.split("=") for kv in args.source_shares.split(","))}
    w = data.sampling_weights(train, shares, args.melanoma_share)

    # ---------------------------------------------------------------- model
    model = FullClassifier(tiny=args.smoke)
    nets.init_backbone(model.features, "none" if args.smoke else "npz", args.npz)
    body = list(model.features.parameters())
    head = list(model.head.parameters()) + list(model.dx.parameters())
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr_body}, {"params": head, "lr": args.lr_head}],
                            weight_decay=args.weight_decay)
    steps_per_epoch = args.epoch_samples // args.batch
    total = steps_per_epoch * len(sizes)
    start_epoch, history, best = 0, [], -1.0
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        start_epoch, history, best = state["epoch"], state["history"], state["best"]
    elif args.from_weights:
        if not 0 < args.start_epoch < len(sizes):
            ap.error("--from-weights needs --start-epoch between 1 and %d" % (len(sizes) - 1))
        model.load_state_dict({k: v.float() if v.is_floating_point() else v
                               for k, v in torch.load(args.from_weights).items()})
        start_epoch = args.start_epoch
        if args.history:
            with open(args.history) as fh:
                history = json.load(fh)[:start_epoch]
            best = max(h["val_auc"]["mean_per_source"] for h in history)
        log("continuing from weights", args.from_weights, "after epoch", start_epoch)
    elif args.bn == "identity":
        calib = np.random.RandomState(args.seed).choice(len(train), 8 * args.batch, p=w)
        spec = spec_for(sizes[0], args.margin)
        batches = [common.colour_and_normalise(
            torch.stack([region(tr_imgs[i], tr_masks[i], sizes[0], args.margin) for i in part]), spec)
            for part in np.array_split(calib, 8)]
        log("batch norm re-parameterised to the identity on %d training regions: %d layers"
            % (len(calib), nets.bn_identity_on(model.features, batches)))
    base_lrs = [args.lr_body, args.lr_head]
    dx_t = torch.tensor([r.dx for r in train])
    y_t = torch.tensor([float(r.y) for r in train])

    def train_batch(idx, size, gen, rng):
        xs = []
        for i in idx:
            m = (None if rng.rand() < args.full_image_p
                 else augment.perturb_mask(tr_masks[i], rng, grow=0.08, shift_div=20))
            margin = max(0.0, args.margin + rng.uniform(-1, 1) * args.margin_jitter)
            xs.append(region(tr_imgs[i], m, size, margin))
        xs = torch.stack(xs)
        xs, _ = augment.affine(xs, None, rot_deg=180, scale=(0.85, 1.2), shift=0.08, gen=gen)
        xs = augment.colour(xs, brightness=0.25, contrast=0.25, saturation=0.25, gain=0.1, gen=gen)
        x = common.colour_and_normalise(xs, spec_for(size, args.margin))
        mel, dx = model.forward_train(x)
        it = torch.as_tensor(idx)
        loss = F.binary_cross_entropy_with_logits(mel[:, 0], y_t[it])
        d = dx_t[it]
        if args.dx_weight > 0 and (d >= 0).any():
            loss = loss + args.dx_weight * F.cross_entropy(dx, d, ignore_index=data.UNKNOWN_DX)
        return loss

    if args.bench:
        gen = torch.Generator().manual_seed(0)
        rng = np.random.RandomState(0)
        model.train()
        if args.bn == "frozen":
            nets.set_bn_eval(model.features)
        for size in sorted(set(sizes)):
            ts = []
            for b in range(args.bench + 1):
                t0 = time.time()
                loss = train_batch(rng.choice(len(train), args.batch, p=w), size, gen, rng)
                opt.zero_grad()
                loss.backward()
                ts.append(time.time() - t0)
            per = float(np.mean(ts[1:]))
            log("bench size %d: %.2fs per batch of %d (%.1f ms/image); epoch of %d: %.1f min"
                % (size, per, args.batch, 1000 * per / args.batch, args.epoch_samples,
                   per * steps_per_epoch / 60))
        t0 = time.time()
        predict(model, va_imgs[:128], va_masks[:128], max(sizes), args.margin)
        log("val predict at %d: %.1f ms/image" % (max(sizes), (time.time() - t0) * 1000 / 128))
        return

    for ep in range(start_epoch, len(sizes)):
        size = sizes[ep]
        torch.manual_seed(args.seed * 1000 + ep)
        gen = torch.Generator().manual_seed(args.seed * 1000 + ep)
        rng = np.random.RandomState(args.seed * 1000 + ep)
        draw = rng.choice(len(train), steps_per_epoch * args.batch, p=w)
        model.train()
        if args.bn == "frozen":
            nets.set_bn_eval(model.features)      # folded ImageNet statistics stay fixed
        t0, tot = time.time(), 0.0
        for b in range(steps_per_epoch):
            step = ep * steps_per_epoch + b
            f = lr_factor(step, total, args.warmup_steps)
            for g, lr in zip(opt.param_groups, base_lrs):
                g["lr"] = lr * f
            loss = train_batch(draw[b * args.batch:(b + 1) * args.batch], size, gen, rng)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss)
            if b % 50 == 0:
                log("ep %d step %d/%d size %d loss %.4f lr %.2e (%.2fs/step)"
                    % (ep + 1, b, steps_per_epoch, size, float(loss), opt.param_groups[0]["lr"],
                       (time.time() - t0) / (b + 1)))
        train_s = time.time() - t0
        p = predict(model, va_imgs, va_masks, size, args.margin)
        rep = val_report(y_va, p, src_va)
        rec = {"epoch": ep + 1, "size": size, "loss": tot / steps_per_epoch, "train_seconds": round(train_s),
               "val_seconds": round(time.time() - t0 - train_s), "val_auc": rep, "time": time.strftime("%H:%M:%S")}
        history.append(rec)
        is_best = rep["mean_per_source"] > best
        best = max(best, rep["mean_per_source"])
        torch.save(model.state_dict(), os.path.join(args.workdir, "weights_last.pt"))
        if is_best:
            torch.save(model.state_dict(), os.path.join(args.workdir, "weights_best.pt"))
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": ep + 1, "history": history,
                    "best": best, "args": vars(args)}, last_path + ".tmp")
        os.replace(last_path + ".tmp", last_path)
        with open(os.path.join(args.workdir, "history.json"), "w") as fh:
            json.dump(history, fh, indent=1)
        log("EPOCH %d/%d size %d loss %.4f val AUC isic2017 %.4f ham10000 %.4f pooled %.4f mean %.4f "
            "pooled spec@sens95 %.3f (train %ds, val %ds)%s"
            % (ep + 1, len(sizes), size, rec["loss"], rep.get("isic2017") or 0, rep.get("ham10000") or 0,
               rep["pooled"], rep["mean_per_source"], rep["pooled_spec_at_sens95"], rec["train_seconds"],
               rec["val_seconds"], " best" if is_best else ""))
    log("done", len(sizes), "epochs; best mean per-source val AUC %.4f" % best)


if __name__ == "__main__":
    main()
