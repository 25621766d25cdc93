"""Tiny models in the full contract format for the Java runtime's unit tests (no ../shared needed):
a few steps on generated images with a tiny MobileNetV2-style network, exported like the real models.

  /usr/bin/python3 models/training/make_tiny.py --out src/test/resources/tiny-models
writes seg/ (64x96 segmenter), cls/ (32x32, crop, Shades of Gray, sigmoid, with a `features` output and an
"ood" section fitted on generated lesions) and cls-masked/ (32x32, masked_crop, no colour constancy, softmax
3-class, no "ood" section)."""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import data  # noqa: E402
import export  # noqa: E402
import fit_ood  # noqa: E402
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


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seg-epochs", type=int, default=14)
    ap.add_argument("--ood-only", action="store_true",
                    help="only add the features output and the ood section to the existing OUT/cls (its weights, and "
                         "so every Java test's probabilities, unchanged)")
    args = ap.parse_args(argv)
    if args.ood_only:
        tiny_ood(os.path.join(args.out, "cls"), os.path.join(args.out, "seg"))
        problems = export.verify_folder(os.path.join(args.out, "cls"))
        print("cls", "OK" if not problems else problems)
        assert not problems
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
    train_cls.main(["--smoke", "--threads", "1", "--id", "tiny-cls-masked", "--version", "0.0.1", "--size", "32",
                    "--region", "masked_crop", "--margin", "0.1", "--cc", "none", "--classes", "3",
                    "--top-epochs", "5", "--epochs", "2", "--steps", "2", "--batch", "8", "--segmenter", seg,
                    "--out", os.path.join(args.out, "cls-masked"), "--workdir", os.path.join(work, "clsm")])
    for name in ("seg", "cls", "cls-masked"):
        problems = export.verify_folder(os.path.join(args.out, name))
        print(name, "OK" if not problems else problems)
        assert not problems


if __name__ == "__main__":
    main()
