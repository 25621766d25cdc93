"""Evaluate the shipped models on a data set folder through the full device pipeline of CONTRACT.md
(JPEG -> segmenter -> post-process -> region -> classifier), running the exported model.onnx files.

  /usr/bin/python3 models/training/evaluate.py --data ../shared/data/isic2017 --split val \
      --segmenter models/lesion-seg-mnv2-unet --classifier models/melanoma-cls-mnv2 \
      --csv /tmp/val.csv --roc /tmp/val_roc.png [--json]

Metric definitions: models/README.md ("Evaluation metrics").
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import pipeline  # noqa: E402

JSON_KEYS = ["images", "failed", "auc", "auc_ci", "sensitivity", "specificity", "f1", "log_loss",
             "balanced_accuracy", "ece", "dice", "jaccard", "thresholded_jaccard"]


def draw_roc(y, p, path, title="", threshold=None):
    fpr, tpr, ts = common.roc_points(y, p)
    S, M = 420, 50
    im = Image.new("RGB", (S + M + 20, S + M + 30), "white")
    d = ImageDraw.Draw(im)
    X = lambda f: M + f * S
    Y = lambda t: 20 + (1 - t) * S
    d.rectangle([X(0), Y(1), X(1), Y(0)], outline="black")
    for k in range(1, 10):
        v = k / 10
        d.line([X(v), Y(0), X(v), Y(1)], fill=(230, 230, 230))
        d.line([X(0), Y(v), X(1), Y(v)], fill=(230, 230, 230))
    for k in range(0, 11, 2):
        v = k / 10
        d.text((X(v) - 8, Y(0) + 4), "%.1f" % v, fill="black")
        d.text((4, Y(v) - 5), "%.1f" % v, fill="black")
    d.line([X(0), Y(0), X(1), Y(1)], fill=(160, 160, 160))
    pts = [(X(f), Y(t)) for f, t in zip(list(fpr) + [1.0], list(tpr) + [1.0])]
    d.line(pts, fill=(200, 30, 30), width=2)
    if threshold is not None:
        st = common.binary_stats(y, p, threshold)
        if st["sensitivity"] is not None and st["specificity"] is not None:
            cx, cy = X(1 - st["specificity"]), Y(st["sensitivity"])
            d.ellipse([cx - 4, cy - 4, cx + 4, cy + 4], outline=(30, 30, 200), width=2)
    d.text((M, S + 40), "1 - specificity", fill="black")
    d.text((M + 5, 24), title, fill="black")
    im.save(path)


def evaluate(data, split=None, segmenter=None, classifier=None, csv_path=None, roc_path=None, log=print):
    seg = pipeline.ModelFolder(segmenter) if segmenter else None
    cls = pipeline.ModelFolder(classifier) if classifier else None
    rows = common.read_labels(data, split)
    per, failed = [], 0
    for i, r in enumerate(rows):
        iid = r["image_id"]
        rec = {"image_id": iid, "melanoma": int(r["melanoma"]), "melanoma_probability": None, "referred": None,
               "mask_area": None, "empty_mask": None, "crop_rect": None, "dice": None, "jaccard": None,
               "error": ""}
        try:
            img = common.load_rgb(common.image_path(data, iid))
            gt = None
            mp = common.mask_path(data, iid)
            if os.path.exists(mp):
                gt = common.load_mask(mp)
            mask = None
            if seg is not None:
                _, mask = pipeline.segment(seg, img)
                rec["mask_area"] = int(mask.sum())
                rec["empty_mask"] = int(not mask.any())
                if gt is not None:          # scored at the ground truth's resolution (ISIC challenge)
                    rec["dice"], rec["jaccard"] = common.dice_jaccard(common.upsample_mask(mask, *gt.shape), gt)
            elif gt is not None:
                mask = gt
            if cls is not None:
                _, pm, rect = pipeline.classify(cls, img, mask)
                rec["melanoma_probability"] = pm
                rec["crop_rect"] = " ".join(str(v) for v in rect)
                rec["referred"] = int(pm >= cls.manifest["thresholds"]["referral"])
        except Exception as e:  # noqa: BLE001  (a broken image is counted, not fatal)
            failed += 1
            rec["error"] = "%s: %s" % (type(e).__name__, e)
        per.append(rec)
        if log and (i + 1) % 50 == 0:
            log("... %d/%d" % (i + 1, len(rows)))
    ok = [r for r in per if not r["error"]]
    res = {k: None for k in JSON_KEYS}
    res["images"] = len(per)
    res["failed"] = failed
    extra = {}
    if cls is not None and ok:
        y = np.array([r["melanoma"] for r in ok])
        p = np.array([r["melanoma_probability"] for r in ok])
        t = cls.manifest["thresholds"]["referral"]
        st = common.binary_stats(y, p, t)
        res["auc"] = common.auc_mann_whitney(y, p)
        res["auc_ci"] = common.bootstrap_ci(y, p, common.auc_mann_whitney)
        res.update({k: st[k] for k in ("sensitivity", "specificity", "f1", "balanced_accuracy")})
        res["log_loss"] = common.log_loss(y, p)
        res["ece"] = common.ece(y, p)
        extra["threshold"] = t
        extra["confusion"] = {k: st[k] for k in ("tp", "fn", "tn", "fp")}
        extra["sensitivity_ci"] = common.bootstrap_ci(
            y, p, lambda yy, pp: common.binary_stats(yy, pp, t)["sensitivity"])
        extra["specificity_ci"] = common.bootstrap_ci(
            y, p, lambda yy, pp: common.binary_stats(yy, pp, t)["specificity"])
        extra["positives"], extra["negatives"] = int(y.sum()), int((1 - y).sum())
        if roc_path:
            draw_roc(y, p, roc_path, "%s %s  AUC %.3f" % (os.path.basename(os.path.normpath(data)),
                                                           split or "all", res["auc"] or 0), t)
    segd = [r for r in ok if r["jaccard"] is not None]
    if segd:
        j = np.array([r["jaccard"] for r in segd])
        dsc = np.array([r["dice"] for r in segd])
        res["dice"] = float(dsc.mean())
        res["jaccard"] = float(j.mean())
        res["thresholded_jaccard"] = float(np.where(j < 0.65, 0.0, j).mean())
        mean_stat = lambda yy, vv: float(np.mean(vv))
        extra["jaccard_ci"] = common.bootstrap_ci(j, j, mean_stat)
        extra["dice_ci"] = common.bootstrap_ci(dsc, dsc, mean_stat)
        extra["thresholded_jaccard_ci"] = common.bootstrap_ci(j, np.where(j < 0.65, 0.0, j), mean_stat)
        extra["seg_images"] = len(segd)
    if seg is not None:
        extra["empty_masks"] = int(sum(r["empty_mask"] or 0 for r in ok))
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            wr = csv.DictWriter(f, fieldnames=list(per[0].keys()) if per else ["image_id"])
            wr.writeheader()
            for r in per:
                wr.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return res, extra


def fmt(v, ci=None):
    if v is None:
        return "n/a"
    s = "%.4f" % v
    if ci:
        s += " (95%% CI %.4f-%.4f)" % tuple(ci)
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder: images/<id>.jpg, masks/<id>_segmentation.png, labels.csv")
    ap.add_argument("--split", default=None, help="keep labels.csv rows with this split")
    ap.add_argument("--segmenter", default=None, help="segmenter model folder")
    ap.add_argument("--classifier", default=None, help="classifier model folder")
    ap.add_argument("--csv", default=None, help="per-image CSV output")
    ap.add_argument("--roc", default=None, help="ROC curve PNG output")
    ap.add_argument("--json", action="store_true", help="print one JSON object (keys: %s)" % ", ".join(JSON_KEYS))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    res, extra = evaluate(args.data, args.split, args.segmenter, args.classifier, args.csv, args.roc,
                          log=None if args.json else print)
    if args.json:
        print(json.dumps(res))
    else:
        print("data %s split %s: %d images, %d failed" % (args.data, args.split, res["images"], res["failed"]))
        if res["auc"] is not None:
            print("melanoma: %d positive / %d negative" % (extra["positives"], extra["negatives"]))
            print("  ROC AUC            %s" % fmt(res["auc"], res["auc_ci"]))
            print("  threshold          %.6f (manifest referral)" % extra["threshold"])
            print("  sensitivity        %s" % fmt(res["sensitivity"], extra["sensitivity_ci"]))
            print("  specificity        %s" % fmt(res["specificity"], extra["specificity_ci"]))
            print("  F1                 %s" % fmt(res["f1"]))
            print("  balanced accuracy  %s" % fmt(res["balanced_accuracy"]))
            print("  log-loss           %s" % fmt(res["log_loss"]))
            print("  ECE (10 bins)      %s" % fmt(res["ece"]))
            print("  confusion          %s" % extra["confusion"])
        if res["jaccard"] is not None:
            print("segmentation (%d images with masks, %d empty predictions):"
                  % (extra["seg_images"], extra.get("empty_masks", 0)))
            print("  Dice               %s" % fmt(res["dice"], extra["dice_ci"]))
            print("  Jaccard            %s" % fmt(res["jaccard"], extra["jaccard_ci"]))
            print("  thresholded Jacc.  %s" % fmt(res["thresholded_jaccard"], extra["thresholded_jaccard_ci"]))
        print("JSON " + json.dumps(res))
    return res, extra


if __name__ == "__main__":
    main()
