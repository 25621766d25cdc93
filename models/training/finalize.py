"""Finalise the shipped pair: run the full device pipeline (exported ONNX files) on the selection split,
set the classifier's referral threshold there (>= 95% sensitivity), write validation metrics with 95% CIs
into both manifests, a ROC curve, and the two MODEL_CARD.md files.

  /usr/bin/python3 models/training/finalize.py --data ../shared/data/isic2017 --split val \
      --segmenter models/lesion-seg-mnv2-unet --classifier models/melanoma-cls-mnv2
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import evaluate  # noqa: E402
import export  # noqa: E402

TERMS_ISIC = ("ISIC archive images and masks (ISIC 2017 challenge training/validation; isic-aux from the ISIC "
              "archive): Creative Commons BY-NC for most images (non-commercial use; attribution). Cite: "
              "N. Codella et al., \"Skin Lesion Analysis Toward Melanoma Detection: A Challenge at ISBI 2017\", "
              "arXiv:1710.05006.")
TERMS_WEIGHTS = ("ImageNet initialisation: Keras Applications MobileNetV2 1.0 weights (Apache-2.0), read from a "
                 "batch-norm-folded npz export; the npz itself is not redistributed.")


def load(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        return json.load(f)


def f4(v):
    return "n/a" if v is None else "%.3f" % v


def ci(c):
    return "n/a" if not c else "%.3f-%.3f" % tuple(c)


def common_limits():
    return """- Training images are low resolution (ISIC 2017 downscaled to 256x192; isic-aux 180x180): fine
  structures (dots, globules, regression) are barely visible; the device should not be given higher
  expectations than this.
- Skin types: ISIC archive dermoscopy comes mostly from fair-skinned (Fitzpatrick I-III) patients in
  Europe, the USA and Australia; performance on darker skin is unknown and likely worse.
- Lesion types not covered: the shipped pair was trained on ISIC 2017 only (melanoma vs nevus / seborrheic
  keratosis). It does not detect non-melanoma skin cancer (basal / squamous cell carcinoma, actinic keratosis),
  dermatofibroma or vascular lesions, and has not seen acral,
  mucosal, nail, facial or amelanotic lesions in any meaningful number. Clinical (non-dermoscopic)
  photographs are out of scope.
- Validation is on 150 images (30 melanomas): confidence intervals are wide; the official ISIC 2017 test
  split was held out by the project and is the place to judge the shipped pair.
- The referral threshold was chosen on the same validation split used for model selection; expect a
  somewhat lower sensitivity on new data."""


# the project's accuracy targets on the selection split (issue "Model recipe"); cost targets are checked by the tests
TARGETS = {
    "segmentation": [("mean Jaccard", "jaccard", 0.80), ("ISIC thresholded Jaccard", "thresholded_jaccard", 0.75)],
    "classification": [("ROC AUC", "auc", 0.90),
                       ("specificity at the referral threshold (sensitivity >= 0.95)", "specificity", 0.50)],
}


def targets_section(task, res):
    rows, missed = [], False
    for name, key, target in TARGETS[task]:
        met = res[key] is not None and res[key] >= target
        missed |= not met
        rows.append("| %s >= %.2f | %s | %s |" % (name, target, f4(res[key]), "met" if met else "**not met**"))
    text = "## Project targets (same split)\n| target | this model | |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    if missed:
        text += ("\nThis model does not reach all of the project's accuracy targets: treat it as a development "
                 "baseline.\n")
    return text


def seg_card(man, res, extra, split, n):
    p = man["provenance"]
    return """# Model card: %(id)s %(version)s

**Task**: lesion segmentation of dermoscopic images (MobileNetV2 encoder, ImageNet-initialised, with a light
U-Net decoder). Input %(h)dx%(w)d RGB (full image, bilinear resize), output per-pixel lesion logits;
post-processing: sigmoid >= %(thr)s (threshold chosen on val for the best mean Jaccard), largest 8-connected
component, hole filling (CONTRACT.md).

## Intended use
Part of the melanoscreen screening aid: it finds the lesion so the classifier can look at it and so the
device can ask for a retake when nothing is found. It is **not a diagnostic device**; its masks are not
measurements for clinical use.

## Training data
%(train)d ISIC 2017 training images with their lesion masks (official `train` split); model selection on
the %(nval)d-image `val` split. Augmentation: rotation +-30 deg, scale 0.9-1.1, translation, flips, brightness/
contrast/saturation/colour gain. Loss: BCE + soft Dice. Adam, one-cycle schedule, %(epochs)d epochs
(best epoch %(best)s by val mean Jaccard), seed %(seed)s, encoder batch norm frozen.

## Validation metrics (%(split)s, %(n)d images, full device pipeline from the JPEGs)
| metric | value | 95%% CI (bootstrap, 2000, seed 0) |
|---|---|---|
| mean Dice | %(dice)s | %(dice_ci)s |
| mean Jaccard | %(jac)s | %(jac_ci)s |
| ISIC thresholded Jaccard (< 0.65 -> 0) | %(tj)s | %(tj_ci)s |

Empty predicted masks on this split: %(empty)s.

%(targets)s
## Cost
%(macs).0f M multiply-accumulates per image, %(params).2f M parameters, ONNX %(mb).1f MB (opset %(opset)d).

## Known limits
%(limits)s
- Masks at %(h)dx%(w)d: thin or very small lesions lose detail; lesions cut by the image border are not
  completed; hair, rulers, ink marks and dark vignetting corners can be included in the mask.

## Data and licence terms
- %(terms)s
- %(wterms)s

## Provenance
Trained %(date)s, git commit `%(commit)s`, %(mins)s min on 2 CPU cores. Command:
`%(cmd)s`
""" % {"id": man["id"], "version": man["version"], "h": man["input"]["height"], "w": man["input"]["width"],
       "thr": man["postprocess"]["threshold"], "train": p["images"]["train"], "nval": p["images"]["val"],
       "epochs": p["epochs"], "best": p.get("best_epoch"), "seed": p["seed"], "split": split, "n": n,
       "dice": f4(res["dice"]), "dice_ci": ci(extra.get("dice_ci")), "jac": f4(res["jaccard"]),
       "jac_ci": ci(extra.get("jaccard_ci")), "tj": f4(res["thresholded_jaccard"]),
       "tj_ci": ci(extra.get("thresholded_jaccard_ci")), "empty": extra.get("empty_masks"),
       "macs": man["cost"]["macs"] / 1e6, "params": man["cost"]["params"] / 1e6,
       "mb": man["cost"]["onnx_bytes"] / 1e6, "opset": export.OPSET, "limits": common_limits(),
       "terms": TERMS_ISIC, "wterms": TERMS_WEIGHTS, "date": p["date"], "commit": p["git_commit"],
       "mins": p.get("train_minutes"), "cmd": p["command"], "targets": targets_section("segmentation", res)}


def cls_card(man, seg_man, res, extra, split):
    p = man["provenance"]
    t = man["thresholds"]
    reg = man["input"]["region"]
    cc = man["input"]["colour_constancy"]
    return """# Model card: %(id)s %(version)s

**Task**: melanoma risk score for a dermoscopic image of one pigmented skin lesion. MobileNetV2
(ImageNet-initialised) with a Dense 512-512-%(k)d top model; input %(s)dx%(s)d RGB of the lesion region
(`%(region)s`, cut from the segmenter's post-processed mask), colour constancy: %(cc)s. Output: %(act)s
logits; melanoma probability = %(act)s(logits)[%(mi)d].

## Intended use
A **screening aid** that helps decide whether a lesion should be shown to a dermatologist. It is **not a
diagnosis** and must not be used to reassure a patient about a lesion that worries them or a clinician.
Referral rule: refer when melanoma probability >= %(thr).6f. This threshold was set on %(chosen)s for
>= 95%% sensitivity: there it gave sensitivity %(rs)s and specificity %(rsp)s.

## Training data
ISIC 2017 `train` split (%(ntrain)d images%(auxtxt)s); selection, early stopping and the referral
threshold on the ISIC 2017 `val` split (%(nval)d images, 30 melanomas). Training regions were cut with
perturbed ground-truth masks (random dilation/erosion and shift) so the model sees imperfect masks like the
device's. Model selection: %(selected)s; the referral threshold and the figures below use the shipped
segmenter `%(segid)s` (full pipeline).
Recipe: stage 1, cached bottleneck features -> top model (Adam, balanced class weights, early stopping),
%(top)s epochs; stage 2, fine-tune %(tuned)s with SGD (momentum 0.9, lr %(lr)s), balanced class
weights, augmentation (rotation 0-360 deg, translation, scale, flips, brightness/contrast/saturation/colour
gain), early stopping on val AUC%(patience)s, best checkpoint (fine-tune epoch %(best)s of %(epochs)s run;
0 = no fine-tune epoch beat the stage-1 model, which is then what ships), seed %(seed)s.

## Validation metrics (%(split)s, %(n)d images, full device pipeline from the JPEGs)
| metric | value | 95%% CI (bootstrap, 2000, seed 0) |
|---|---|---|
| ROC AUC (melanoma vs rest) | %(auc)s | %(auc_ci)s |
| sensitivity at referral threshold | %(sens)s | %(sens_ci)s |
| specificity at referral threshold | %(spec)s | %(spec_ci)s |
| F1 at referral threshold | %(f1)s | |
| balanced accuracy at referral threshold | %(bacc)s | |
| log-loss | %(ll)s | |
| expected calibration error (10 bins) | %(ece)s | |

Confusion at the threshold: %(conf)s. The probabilities are not calibrated (class-weighted training
inflates melanoma scores): use the referral threshold, not 0.5. ROC curve: `val_roc.png`.

%(targets)s
## Cost
%(macs).0f M multiply-accumulates per image, %(params).2f M parameters, ONNX %(mb).1f MB (opset %(opset)d).

## Known limits
%(limits)s
- The score depends on the segmenter: when no lesion is found the device asks for a retake (the evaluation
  falls back to the full image).

## Data and licence terms
- %(terms)s
- isic-aux labels come from a public course data set and are noisier; used for training only, never for a metric.
- %(wterms)s

## Provenance
Trained %(date)s, git commit `%(commit)s`, %(mins)s min on 2 CPU cores. Command:
`%(cmd)s`
""" % {"id": man["id"], "version": man["version"], "k": len(man["output"]["class_names"]),
       "s": man["input"]["height"], "region": json.dumps(reg), "cc": json.dumps(cc),
       "act": man["output"]["activation"], "mi": man["output"]["melanoma_index"], "thr": t["referral"],
       "chosen": t["chosen_on"], "rs": f4(t["referral_sensitivity"]), "rsp": f4(t["referral_specificity"]),
       "ntrain": p["images"]["train"],
       "auxtxt": (" plus %d isic-aux images" % p["images"]["aux"]) if p["images"].get("aux") else "",
       "nval": p["images"]["val"], "segid": seg_man["id"], "top": p.get("top_model_epochs"),
       "best": p.get("best_epoch"), "epochs": p["epochs"], "seed": p["seed"], "split": split, "n": res["images"],
       "tuned": ("the last %d of the 19 MobileNetV2 feature blocks and the top model (the first %d frozen)"
                 % (19 - p["frozen_blocks"], p["frozen_blocks"])) if p.get("frozen_blocks") else "the whole network",
       "selected": man.get("metrics", {}).get("selected_on", "val"), "lr": p.get("lr", 1e-3),
       "patience": (" (patience %d)" % p["patience"]) if p.get("patience") else "",
       "auc": f4(res["auc"]), "auc_ci": ci(res["auc_ci"]), "sens": f4(res["sensitivity"]),
       "sens_ci": ci(extra.get("sensitivity_ci")), "spec": f4(res["specificity"]),
       "spec_ci": ci(extra.get("specificity_ci")), "f1": f4(res["f1"]), "bacc": f4(res["balanced_accuracy"]),
       "ll": f4(res["log_loss"]), "ece": f4(res["ece"]), "conf": extra.get("confusion"),
       "macs": man["cost"]["macs"] / 1e6, "params": man["cost"]["params"] / 1e6,
       "mb": man["cost"]["onnx_bytes"] / 1e6, "opset": export.OPSET, "limits": common_limits(),
       "terms": TERMS_ISIC, "wterms": TERMS_WEIGHTS, "date": p["date"], "commit": p["git_commit"],
       "mins": p.get("train_minutes"), "cmd": p["command"], "targets": targets_section("classification", res)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", default="val")
    ap.add_argument("--segmenter", required=True)
    ap.add_argument("--classifier", required=True)
    ap.add_argument("--sensitivity", type=float, default=0.95)
    args = ap.parse_args(argv)
    import torch
    torch.set_num_threads(2)
    name = os.path.basename(os.path.normpath(args.data))
    csv_path = os.path.join(args.classifier, "..", "training", "runs", "finalize_%s.csv" % args.split)
    os.makedirs(os.path.dirname(csv_path), exist_ok=True)
    res, extra = evaluate.evaluate(args.data, args.split, args.segmenter, args.classifier, csv_path, None)
    # threshold from the pipeline's own probabilities
    import csv as _csv
    with open(csv_path) as f:
        rows = [r for r in _csv.DictReader(f) if not r["error"]]
    y = np.array([int(r["melanoma"]) for r in rows])
    p = np.array([float(r["melanoma_probability"]) for r in rows])
    t = common.threshold_for_sensitivity(y, p, args.sensitivity)
    st = common.binary_stats(y, p, t)
    cman, sman = load(args.classifier), load(args.segmenter)
    cman["thresholds"] = {"referral": t, "referral_sensitivity": st["sensitivity"],
                          "referral_specificity": st["specificity"],
                          "chosen_on": "%s %s (%d images, %d melanoma), full pipeline with %s"
                                       % (name, args.split, len(y), int(y.sum()), sman["id"]),
                          "target_sensitivity": args.sensitivity}
    export.write_manifest(args.classifier, cman)
    # metrics at the new threshold, ROC curve
    res, extra = evaluate.evaluate(args.data, args.split, args.segmenter, args.classifier, csv_path,
                                   os.path.join(args.classifier, "val_roc.png"))
    split_desc = "%s %s" % (name, args.split)
    cman["metrics"] = dict(cman.get("metrics", {}))
    cman["metrics"].update({"split": split_desc, "pipeline": "segmenter %s -> region -> classifier" % sman["id"],
                            **{k: res[k] for k in evaluate.JSON_KEYS},
                            "sensitivity_ci": extra.get("sensitivity_ci"),
                            "specificity_ci": extra.get("specificity_ci"), "confusion": extra.get("confusion")})
    sman["metrics"] = dict(sman.get("metrics", {}))
    sman["metrics"].update({"split": split_desc, "images": res["images"], "dice": res["dice"],
                            "jaccard": res["jaccard"], "thresholded_jaccard": res["thresholded_jaccard"],
                            "dice_ci": extra.get("dice_ci"), "jaccard_ci": extra.get("jaccard_ci"),
                            "thresholded_jaccard_ci": extra.get("thresholded_jaccard_ci"),
                            "empty_masks": extra.get("empty_masks")})
    export.publish_cards([(args.segmenter, sman, seg_card(sman, res, extra, split_desc, extra.get("seg_images", 0))),
                          (args.classifier, cman, cls_card(cman, sman, res, extra, split_desc))])
    print("JSON " + json.dumps(res))


if __name__ == "__main__":
    main()
