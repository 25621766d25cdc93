"""Tiny models in the full contract format for the Java runtime's unit tests (no ../shared needed):
a few steps on generated images with a tiny MobileNetV2-style network, exported like the real models.

  /usr/bin/python3 models/training/make_tiny.py --out src/test/resources/tiny-models
writes seg/ (64x96 segmenter), cls/ (32x32, crop, Shades of Gray, sigmoid, with a `features` output, an
"ood" section fitted on generated lesions and test-time views, TINY_VIEWS, square ones among them) and
cls-masked/ (32x32, masked_crop, no colour constancy, softmax 3-class, no "ood" section, no test-time views).
--ood-only and --tta-only add their sections to the existing OUT/cls without retraining it."""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import data  # noqa: E402
import export  # noqa: E402
import fit_ood  # noqa: E402
import pipeline  # noqa: E402
import train_cls  # noqa: E402
import train_seg  # noqa: E402


def tiny_ood(cls_folder, seg_folder, n_fit=160, n_val=40):
    """OOD statistics for the tiny classifier from generated lesions (regions cut from their own masks at the
    tiny segmenter's resolution); the held-back and val images are generated lesions too."""
    seg_hw = data.segmenter_resolution(seg_folder)
    rng = np.random.RandomState(99)
    imgs, masks = [], []
    for i in range(n_fit + n_val):
        img, m = export.synthetic_lesion(rng, *export.FIXTURE_SIZES[i % len(export.FIXTURE_SIZES)])
        imgs.append(img)
        masks.append(common.resize_mask_nearest(m, *seg_hw))
    fit_ood.fit(cls_folder, imgs[:n_fit], masks[:n_fit], {"synthetic_val": (imgs[n_fit:], masks[n_fit:])},
                k=8, quantile=0.995, holdout=0.25,
                fitted_on="tiny test model: regions of %d generated lesions cut from their own masks" % n_fit,
                synthetic=fit_ood.synthetic_inputs(seg_folder))


TINY_VIEWS = ["identity", "hflip", "vflip", "rot180", "rot90"]


def tiny_tta(cls_folder, seg_folder, views=TINY_VIEWS, seed=0):
    """Test-time views for the tiny classifier (its weights unchanged): input.tta, the referral thresholds for the
    mean over the views and for the identity view alone (referral_single_view), chosen as train_cls chooses them on
    the same generated validation lesions with the tiny segmenter's masks, and the fixtures recomputed."""
    path = os.path.join(cls_folder, "manifest.json")
    with open(path) as f:
        man = json.load(f)
    man["input"]["tta"] = {"views": list(views), "combine": "mean_probability"}
    with open(path, "w") as f:
        json.dump(man, f)
    seg, cls = pipeline.ModelFolder(seg_folder), pipeline.ModelFolder(cls_folder)
    val = train_cls.synthetic_items(12, seed + 1, (seg.spec["height"], seg.spec["width"]), 1)
    masks = [pipeline.segment(seg, it.img)[1] for it in val]
    y = np.array([it.y for it in val])
    p = {tta: np.array([pipeline.classify(cls, it.img, m, tta=tta)[1] for it, m in zip(val, masks)])
         for tta in (True, False)}
    t, t_single = (common.threshold_for_sensitivity(y, p[tta], 0.95) for tta in (True, False))
    st = common.binary_stats(y, p[True], t)
    man["thresholds"].update({"referral": t, "referral_sensitivity": st["sensitivity"],
                              "referral_specificity": st["specificity"], "referral_single_view": t_single})
    export.write_manifest(cls_folder, man)
    tta_fixtures(cls_folder, man, cls.onnx)


def tta_fixtures(folder, man, om):
    """The classifier fixtures' outputs recomputed over the manifest's views (images, masks and inputs unchanged)."""
    out = man["output"]
    for e, res, view_probs in export.cls_fixture_runs(folder, man, om):
        e.update({"logits": [float(v) for v in res[out["name"]][0]],
                  "probabilities": [float(v) for v in view_probs.mean(0)],
                  "melanoma_probability": float(view_probs.mean(0)[out["melanoma_index"]]),
                  "view_melanoma_probabilities": [float(v) for v in view_probs[:, out["melanoma_index"]]]})
        if "ood" in man:
            e["ood_score"] = float(common.ood_scores(man["ood"], res[man["ood"]["output"]][:1].numpy())[0])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seg-epochs", type=int, default=14)
    ap.add_argument("--ood-only", action="store_true",
                    help="only add the features output and the ood section to the existing OUT/cls (its weights, and "
                         "so every Java test's probabilities, unchanged)")
    ap.add_argument("--tta-only", action="store_true",
                    help="only add the test-time views (input.tta), their thresholds and fixtures to the existing "
                         "OUT/cls (its weights unchanged)")
    args = ap.parse_args(argv)
    if args.tta_only or args.ood_only:
        (tiny_tta if args.tta_only else tiny_ood)(os.path.join(args.out, "cls"), os.path.join(args.out, "seg"))
        verified(args.out, ["cls"])
        return
    work = tempfile.mkdtemp(prefix="tiny-")
    seg = os.path.join(args.out, "seg")
    train_seg.main(["--smoke", "--threads", "1", "--id", "tiny-seg", "--version", "0.0.1", "--height", "64", "--width", "96",
                    "--epochs", str(args.seg_epochs), "--steps", "8", "--batch", "8", "--lr", "2e-2", "--patience", "100",
                    "--out", seg, "--workdir", os.path.join(work, "seg")])
    train_cls.main(["--smoke", "--threads", "1", "--id", "tiny-cls", "--version", "0.0.1", "--size", "32", "--region", "crop",
                    "--margin", "0.15", "--cc", "sog", "--classes", "1", "--top-epochs", "5", "--epochs", "2",
                    "--steps", "2", "--batch", "8", "--segmenter", seg, "--out", os.path.join(args.out, "cls"),
                    "--workdir", os.path.join(work, "cls")])
    tiny_ood(os.path.join(args.out, "cls"), seg)
    tiny_tta(os.path.join(args.out, "cls"), seg)
    train_cls.main(["--smoke", "--threads", "1", "--id", "tiny-cls-masked", "--version", "0.0.1", "--size", "32",
                    "--region", "masked_crop", "--margin", "0.1", "--cc", "none", "--classes", "3",
                    "--top-epochs", "5", "--epochs", "2", "--steps", "2", "--batch", "8", "--segmenter", seg,
                    "--out", os.path.join(args.out, "cls-masked"), "--workdir", os.path.join(work, "clsm")])
    verified(args.out, ["seg", "cls", "cls-masked"])


def verified(out, names):
    """Each folder re-checked as the runtime will read it (export.verify_folder); fails naming the problems."""
    for name in names:
        problems = export.verify_folder(os.path.join(out, name))
        print(name, "OK" if not problems else problems)
        assert not problems


if __name__ == "__main__":
    main()
