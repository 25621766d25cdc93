"""Model cards of the 2.0 pair (whole-network classifier of export_full.py, multi-source segmenter of
train_seg.py --folders) from their manifests and the full device pipeline (evaluate.py: JPEG -> segmenter ->
region -> classifier, Dice/Jaccard at the ground-truth resolution) on each validation set.

  /usr/bin/python3 models/training/cards.py --segmenter models/lesion-seg-mnv2-unet \\
      --classifier models/melanoma-cls-mnv2 --val ../shared/data/isic2017 ../shared/data/ham10000

Writes MODEL_CARD.md in both folders, `val_roc_<source>.png` in the classifier's, and the per-source
full-pipeline figures into both manifests (`metrics.full_pipeline`).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import evaluate  # noqa: E402
import export  # noqa: E402
from finalize import TERMS_WEIGHTS, ci, f4, load  # noqa: E402

TERMS = {
    "isic2017": "ISIC 2017 challenge training/validation images and masks: ISIC archive, Creative Commons BY-NC for "
                "most images (non-commercial use, attribution). Cite: N. Codella et al., \"Skin Lesion Analysis "
                "Toward Melanoma Detection: A Challenge at ISBI 2017\", arXiv:1710.05006.",
    "ham10000": "HAM10000: CC BY-NC 4.0. Cite: P. Tschandl, C. Rosendahl, H. Kittler, \"The HAM10000 dataset, a large "
                "collection of multi-source dermatoscopic images of common pigmented skin lesions\", Sci. Data 5, "
                "180161 (2018); masks: Tschandl et al. 2020.",
    "isic-aux": "isic-aux: ISIC archive images (CC BY-NC for most) with labels from a public course data set "
                "(noisier; the 1,362 that are HAM10000 images were dropped as duplicates); training only.",
    "isic2018-test": "ISIC 2018 test images with labels: CC BY-NC 4.0. Cite: N. Codella et al. 2019, "
                     "arXiv:1902.03368; Tschandl et al. 2018. Held out: never trained, selected or thresholded on.",
}
TARGETS = {"classifier": [("ROC AUC, ISIC 2017 val", "isic2017", "auc", 0.90),
                          ("ROC AUC, HAM10000 val", "ham10000", "auc", 0.93)],
           "segmenter": [("mean Jaccard, ISIC 2017 val", "isic2017", "jaccard", 0.80),
                         ("thresholded Jaccard, ISIC 2017 val", "isic2017", "thresholded_jaccard", 0.75)]}
LIMITS = """- Images are low resolution (ISIC 2017 256x192, HAM10000 200x150): fine structures are barely visible.
- Skin types: the ISIC archive and HAM10000 come mostly from fair-skinned (Fitzpatrick I-III) patients in Europe,
  the USA and Australia (HAM10000: two clinics, Vienna and Queensland); performance on darker skin is unknown and
  likely worse.
- Lesion types: trained on melanoma vs nevus, keratoses and other HAM10000 diagnoses (basal cell carcinoma,
  actinic keratosis, dermatofibroma, vascular lesions: all scored as "not melanoma"). It does not detect
  non-melanoma skin cancer. Acral, mucosal, nail, facial and amelanotic lesions are rare in the data.
  Clinical (non-dermoscopic) photographs are out of scope: the device's out-of-distribution and lesion-presence
  checks ask for a retake, but they cannot catch everything.
- The two held-out sets of the project (official ISIC 2017 test split, an external hospital's set) judge this
  model; the figures here are validation figures."""


def full_pipeline(seg, cls, folders, runs):
    out = {}
    for folder in folders:
        src = data.source_name(folder)
        res, extra = evaluate.evaluate(folder, "val", seg, cls, os.path.join(runs, "cards_%s_val.csv" % src),
                                       os.path.join(cls, "val_roc_%s.png" % src) if cls else None)
        out[src] = {**{k: res[k] for k in evaluate.JSON_KEYS},
                    **{k: extra.get(k) for k in ("sensitivity_ci", "specificity_ci", "confusion", "dice_ci",
                                                 "jaccard_ci", "thresholded_jaccard_ci", "empty_masks")}}
    return out


def targets(kind, per_source):
    rows, missed = [], False
    for name, src, key, goal in TARGETS[kind]:
        v = per_source.get(src, {}).get(key)
        met = v is not None and v >= goal
        missed |= not met
        rows.append("| %s >= %.2f | %s | %s |" % (name, goal, f4(v), "met" if met else "**not met**"))
    return ("## Project targets\n| target | this model | |\n|---|---|---|\n" + "\n".join(rows) + "\n"
            + ("\nNot every accuracy target is met (issue 14): see `models/README.md` for the runs and where they "
               "stopped improving.\n" if missed else ""))


def terms(sources):
    return "\n".join("- " + TERMS[s] for s in sources if s in TERMS) + "\n- " + TERMS_WEIGHTS


def seg_card(man, fp):
    p, m = man["provenance"], man["metrics"]
    rows = "\n".join("| %s val | %d | %s (%s) | %s (%s) | %s (%s) | %s |" % (
        src, r["images"], f4(r["dice"]), ci(r["dice_ci"]), f4(r["jaccard"]), ci(r["jaccard_ci"]),
        f4(r["thresholded_jaccard"]), ci(r["thresholded_jaccard_ci"]), r["empty_masks"]) for src, r in fp.items())
    srcs = [d["name"] for d in p["datasets"]]
    return """# Model card: %(id)s %(version)s

**Task**: lesion segmentation of dermoscopic images: MobileNetV2 encoder (ImageNet-initialised) with a light U-Net
decoder. Input %(h)dx%(w)d RGB (full image, bilinear), output per-pixel lesion logits; post-processing: sigmoid
>= %(thr)s (chosen on val for the best mean of the per-source Jaccards), largest 8-connected component, holes
filled (CONTRACT.md).

## Intended use
Part of the melanoscreen screening aid: it finds the lesion so the classifier can look at it, and its confidence
feeds the device's lesion-presence check (no lesion: RETAKE). It is **not a diagnostic device**; its masks are
not measurements for clinical use.

## Training data
%(train)d images with lesion masks: ISIC 2017 `train` and HAM10000 `split=train`, de-duplicated and grouped by
lesion (no lesion on both sides of the split); %(samples)d images drawn per epoch with source shares %(shares)s.
Augmentation: rotation +-30 deg, scale, translation, flips, brightness/contrast/saturation/colour gain. Loss BCE +
soft Dice, Adam, one-cycle schedule over %(epochs)d epochs (best epoch %(best)s by the mean of the per-source val
Jaccards), encoder batch norm frozen, seed %(seed)s.

## Validation (full device pipeline from the JPEGs; Dice/Jaccard against the ground truth at its own resolution)
| split | images | mean Dice (95%% CI) | mean Jaccard (95%% CI) | thresholded Jaccard (95%% CI) | empty masks |
|---|---|---|---|---|---|
%(rows)s

CIs: bootstrap, 2000 resamples, seed 0.

%(targets)s
## Cost
%(macs).0f M multiply-accumulates per image, %(params).2f M parameters, ONNX %(mb).1f MB.

## Known limits
%(limits)s
- Masks at %(h)dx%(w)d: thin or very small lesions lose detail; lesions cut by the border are not completed;
  hair, rulers, ink and dark vignetting corners can be included.

## Data and licence terms (non-commercial)
%(terms)s

## Provenance
Trained %(date)s, git commit `%(commit)s`, %(mins)s min on 2 CPU cores (shared with other work). Command:
`%(cmd)s`
""" % {"id": man["id"], "version": man["version"], "h": man["input"]["height"], "w": man["input"]["width"],
       "thr": man["postprocess"]["threshold"], "train": p["images"]["train"],
       "samples": p["images"].get("epoch_samples") or p["images"]["train"],
       "shares": json.dumps(p["images"].get("source_shares")), "epochs": p["epochs"], "best": p.get("best_epoch"),
       "seed": p["seed"], "rows": rows, "targets": targets("segmenter", fp), "macs": man["cost"]["macs"] / 1e6,
       "params": man["cost"]["params"] / 1e6, "mb": man["cost"]["onnx_bytes"] / 1e6, "limits": LIMITS,
       "terms": terms(srcs), "date": p["date"], "commit": p["git_commit"], "mins": p.get("train_minutes"),
       "cmd": p["command"]}


def cls_card(man, seg_man, fp):
    p, m, t = man["provenance"], man["metrics"], man["thresholds"]
    held_key = next(k for k in m if k.startswith("heldout_"))
    held = m[held_key]
    tta = man["input"].get("tta")
    rows = "\n".join("| %s val | %d / %d | %s (%s) | %s (%s) | %s (%s) | %s |" % (
        src, r["images"], r["confusion"]["tp"] + r["confusion"]["fn"] if r.get("confusion") else 0,
        f4(r["auc"]), ci(r["auc_ci"]), f4(r["sensitivity"]), ci(r["sensitivity_ci"]), f4(r["specificity"]),
        ci(r["specificity_ci"]), f4(r["ece"])) for src, r in fp.items())
    tr = p["images"]["train"]
    train_txt = ", ".join("%s %d (%d melanomas)" % (s, v["images"], v["melanoma"]) for s, v in sorted(tr.items()))
    ablation = "\n".join("| %s | %s | %s | %s | %s |" % (
        r["views"], " / ".join("%s %s" % (s, f4(v)) for s, v in sorted(r["val_auc"].items())), f4(r["pooled_val_auc"]),
        f4(r["pooled_val_ece"]), f4(r["heldout_auc"])) for r in m.get("tta_ablation", []))
    ood = man.get("ood")
    return """# Model card: %(id)s %(version)s

**Task**: melanoma risk score for a dermoscopic image of one pigmented skin lesion. The whole MobileNetV2
(ImageNet-initialised, batch-norm statistics frozen, lower learning rate for the body) fine-tuned with a linear
melanoma head (and a 4-class diagnosis head used in training only). Input %(s)dx%(s)d RGB of the lesion region
(`%(region)s`, cut from the segmenter's post-processed mask), Shades of Gray colour constancy (p = 6).
Test-time augmentation: %(tta)s. Output: the melanoma logit, Platt-calibrated on the pooled validation sets
(a = %(a).4f, b = %(b).4f, folded into the head): `p = sigmoid(logit)` means roughly "p of such lesions are melanomas"
in a population like the validation sets (%(prev).0f%% melanomas).

## Intended use
A **screening aid** that helps decide whether a lesion should be shown to a dermatologist. It is **not a
diagnosis**, and must not be used to reassure a patient or a clinician about a lesion that worries them.
Referral rule: refer when p >= %(thr).6f%(thr1)s, chosen on %(chosen)s for >= 95%% sensitivity: sensitivity %(rs)s,
specificity %(rsp)s there.

## Training data
%(train_txt)s: ISIC 2017 `train`, HAM10000 `split=train`, the non-HAM10000 part of isic-aux; de-duplicated by
image id, grouped by lesion (no lesion on both sides). Each epoch draws %(samples)s regions with source shares
%(shares)s and %(mshare)s melanomas; regions are cut with perturbed ground-truth masks (margin jitter) or the
segmenter's where a folder has no masks. Augmentation: random resized crop, any rotation, flips,
brightness/contrast/saturation/colour gain. AdamW (body lr %(lrb)s, head lr %(lrh)s), warm-up then cosine,
progressive sizes %(sizes)s; best epoch by the mean of the per-source val AUCs: epoch %(epoch)s of the %(run_epochs)s
run (see `models/README.md` for the per-epoch table and why the run stopped there).

## Validation (full device pipeline from the JPEGs, at the referral threshold)
| split | images / melanomas | ROC AUC (95%% CI) | sensitivity (95%% CI) | specificity (95%% CI) | ECE |
|---|---|---|---|---|---|
%(rows)s

Held out (never trained, selected or thresholded on): **%(held_name)s**, %(hn)d images, %(hm)d melanomas: AUC %(hauc)s
(%(hauc_ci)s), sensitivity %(hs)s (%(hs_ci)s), specificity %(hsp)s (%(hsp_ci)s) at the threshold above, ECE %(hece)s.
CIs: bootstrap, 2000 resamples, seed 0. ROC curves: `val_roc_<source>.png`.

Test-time augmentation (validation AUCs; calibrated probabilities averaged over the views):

| views | val AUC per source | pooled val AUC | pooled val ECE | held-out AUC |
|---|---|---|---|---|
%(ablation)s

%(targets)s
## Out-of-distribution check
%(ood)s

## Cost
%(macs).0f M multiply-accumulates per view, %(params).2f M parameters, ONNX %(mb).1f MB.

## Known limits
%(limits)s
- The score depends on the segmenter `%(segid)s`: when no lesion is found the device asks for a retake.

## Data and licence terms (non-commercial)
%(terms)s

## Provenance
Trained %(date)s, git commit `%(commit)s`, on 2 CPU cores (run `%(run)s`, weights `%(weights)s`). Export command:
`%(cmd)s`
""" % {"id": man["id"], "version": man["version"], "s": man["input"]["height"],
       "region": json.dumps(man["input"]["region"]),
       "tta": ("%d views (%s), one batch, probabilities averaged" % (len(tta["views"]), ", ".join(tta["views"]))
               if tta else "none"),
       "a": m["calibration"]["a"], "b": m["calibration"]["b"],
       "prev": 100.0 * m["pooled_val"]["melanomas"] / m["pooled_val"]["images"], "thr": t["referral"],
       "thr1": (" (the mean over the views; %.6f with test-time augmentation turned off)"
                % t["referral_single_view"]) if tta else "", "chosen": t["chosen_on"],
       "rs": f4(t["referral_sensitivity"]), "rsp": f4(t["referral_specificity"]), "train_txt": train_txt,
       "samples": p["schedule"]["epoch_samples"], "shares": p["schedule"]["source_shares"],
       "mshare": "%.0f%%" % (100 * p["schedule"]["melanoma_share"]), "lrb": p["schedule"]["lr_body"],
       "lrh": p["schedule"]["lr_head"], "sizes": p["schedule"]["sizes"], "rows": rows, "epoch": p.get("epoch"),
       "run_epochs": p.get("epochs_run"),
       "held_name": held_key[len("heldout_"):], "hn": held["images"], "hm": held["melanomas"], "hauc": f4(held["auc"]),
       "hauc_ci": ci(held["auc_ci"]), "hs": f4(held["sensitivity"]), "hs_ci": ci(held["sensitivity_ci"]),
       "hsp": f4(held["specificity"]), "hsp_ci": ci(held["specificity_ci"]), "hece": f4(held["ece"]),
       "ablation": ablation, "targets": targets("classifier", fp),
       "ood": ("PCA-Mahalanobis score of the pooled backbone features (identity view), %d components, RETAKE above "
               "%.1f (the %s quantile of held-back training regions); rejected on val: %s." % (
                   len(ood["eigenvalues"]), ood["threshold"], ood["threshold_quantile"], json.dumps(ood["val_rejected"]))
               if ood else "none in this folder"),
       "macs": man["cost"]["macs"] / 1e6, "params": man["cost"]["params"] / 1e6, "mb": man["cost"]["onnx_bytes"] / 1e6,
       "limits": LIMITS, "segid": seg_man["id"],
       "terms": terms(sorted(set(tr) | {held_key[len("heldout_"):]})), "date": p["date"],
       "commit": p["git_commit"], "run": p["run"], "weights": p["weights"], "cmd": p["command"]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--segmenter", required=True)
    ap.add_argument("--classifier", required=True)
    ap.add_argument("--val", nargs="+", required=True, help="data folders whose split=val is evaluated")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reuse", action="store_true",
                    help="rewrite the cards from the manifests' metrics.full_pipeline (no evaluation)")
    args = ap.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    runs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs")
    os.makedirs(runs, exist_ok=True)
    sman, cman = load(args.segmenter), load(args.classifier)
    fp = cman["metrics"]["full_pipeline"] if args.reuse else full_pipeline(args.segmenter, args.classifier,
                                                                            args.val, runs)
    for man in (sman, cman):
        man.setdefault("metrics", {})["full_pipeline"] = fp
    export.publish_cards([(args.segmenter, sman, seg_card(sman, fp)),
                          (args.classifier, cman, cls_card(cman, sman, fp))])
    print("JSON " + json.dumps(fp))


if __name__ == "__main__":
    main()
