"""Sanity report: compare image statistics between the train and val splits (and an auxiliary folder),
overall and per class, so a distribution shift between what we fit on and what we select on is seen
before training, not after.

  /usr/bin/python3 models/training/sanity.py --data ../shared/data/isic2017 --aux ../shared/data/isic-aux
  # every source of the issue-14 run (data.py: de-duplicated; isic-aux = its non-HAM10000 part), against
  # ISIC 2017 train:
  /usr/bin/python3 models/training/sanity.py --folders ../shared/data/isic2017 ../shared/data/ham10000 \
      ../shared/data/isic-aux ../shared/data/isic2018-test
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import data  # noqa: E402

FEATURES = ["width", "height", "mean_R", "mean_G", "mean_B", "std_gray", "dark_corner_frac",
            "sog_gain_R", "sog_gain_B", "mask_area_frac", "mask_touches_border"]


def image_stats(img, mask=None):
    f = img.astype(np.float64)
    gray = f.mean(axis=2)
    h, w = gray.shape
    c = max(2, min(h, w) // 8)
    corners = np.concatenate([gray[:c, :c].ravel(), gray[:c, -c:].ravel(), gray[-c:, :c].ravel(), gray[-c:, -c:].ravel()])
    e = (f.reshape(-1, 3) ** 6).mean(axis=0) ** (1 / 6)
    n = np.sqrt((e ** 2).sum())
    g = n / (np.sqrt(3) * np.maximum(e, 1e-9))
    out = {"width": w, "height": h, "mean_R": f[..., 0].mean(), "mean_G": f[..., 1].mean(), "mean_B": f[..., 2].mean(),
           "std_gray": gray.std(), "dark_corner_frac": float((corners < 40).mean()),
           "sog_gain_R": g[0], "sog_gain_B": g[2], "mask_area_frac": np.nan, "mask_touches_border": np.nan}
    if mask is not None:
        out["mask_area_frac"] = mask.mean()
        out["mask_touches_border"] = float(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())
    return out


def collect(folder, split=None):
    rows = common.read_labels(folder, split)
    stats, ys = [], []
    for r in rows:
        img = common.load_rgb(common.image_path(folder, r["image_id"]))
        mp = common.mask_path(folder, r["image_id"])
        m = common.load_mask(mp) if os.path.exists(mp) else None
        stats.append(image_stats(img, m))
        ys.append(int(r["melanoma"]))
    return {k: np.array([s[k] for s in stats], dtype=np.float64) for k in FEATURES}, np.array(ys)


def collect_records(records):
    stats = [image_stats(common.load_rgb(r.image_path), common.load_mask(r.mask_path) if r.mask_path else None)
             for r in records]
    return ({k: np.array([s[k] for s in stats], dtype=np.float64) for k in FEATURES},
            np.array([r.y for r in records]))


def sets_of_folders(folders):
    """One set per (source, split) of the de-duplicated records, in folder order."""
    recs, dropped = data.deduplicate([data.read_folder(f) for f in folders])
    groups = {}
    for r in recs:
        groups.setdefault("%s %s" % (r.src, r.split or "all"), []).append(r)
    return {name: collect_records(rs) for name, rs in groups.items()}, dropped


def smd(a, b):
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    s = np.sqrt((a.var() + b.var()) / 2)
    return float((a.mean() - b.mean()) / s) if s > 0 else 0.0


def report(sets):
    lines = []
    names = list(sets)
    lines.append("| statistic | " + " | ".join("%s (n=%d, mel %.1f%%)" % (n, len(sets[n][1]), 100 * sets[n][1].mean())
                                            for n in names) + " | SMD " + " | SMD ".join(n for n in names[1:]) + " |")
    lines.append("|---" * (1 + 2 * len(names) - 1) + "|")
    ref = sets[names[0]][0]
    for k in FEATURES:
        cells = []
        for n in names:
            v = sets[n][0][k]
            v = v[~np.isnan(v)]
            cells.append("%.3f ± %.3f" % (v.mean(), v.std()) if len(v) else "n/a")
        smds = ["%+.2f" % smd(sets[n][0][k], ref[k]) for n in names[1:]]
        lines.append("| %s | %s | %s |" % (k, " | ".join(cells), " | ".join(smds)))
    lines.append("")
    lines.append("Per class (melanoma vs other) standardised mean difference inside each set — a large value "
                 "on an acquisition statistic is a shortcut the classifier could learn:")
    for n in names:
        st, y = sets[n]
        if y.min() == y.max():
            continue
        parts = ["%s %+.2f" % (k, smd(st[k][y == 1], st[k][y == 0])) for k in FEATURES if k not in ("width", "height")]
        lines.append("- %s: %s" % (n, ", ".join(parts)))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="one folder: its train vs val split")
    ap.add_argument("--folders", nargs="+", help="several folders (de-duplicated by image id), one set per "
                                                 "source and split, compared with the first set")
    ap.add_argument("--aux", default=None)
    ap.add_argument("--out", default=None, help="also write the markdown report here")
    args = ap.parse_args(argv)
    if args.folders:
        sets, dropped = sets_of_folders(args.folders)
        print("duplicates dropped (image ids already in an earlier folder):", dropped)
    elif args.data:
        sets = {"train": collect(args.data, "train"), "val": collect(args.data, "val")}
        if args.aux:
            sets["aux"] = collect(args.aux)
    else:
        ap.error("give --data or --folders")
    text = report(sets)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
