"""Tests of the multi-source loader (data.py), the vectorised mask post-processing, the OOD score and
fit_ood's graph edit / fixtures (no ../shared needed).

  /usr/bin/python3 -m unittest discover -s models/training/tests -v
"""
import contextlib
import csv
import json
import os
import shutil
import sys
import tempfile
import unittest
from collections import deque

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

import common  # noqa: E402
import data  # noqa: E402
import export  # noqa: E402
import fit_ood  # noqa: E402
import train_cls  # noqa: E402
from onnxrun import OnnxModel  # noqa: E402

torch.set_num_threads(2)


def write_folder(root, name, rows, header, with_masks=()):
    folder = os.path.join(root, name)
    os.makedirs(os.path.join(folder, "images"))
    os.makedirs(os.path.join(folder, "masks"))
    rng = np.random.RandomState(len(rows))
    with open(os.path.join(folder, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(r)
            img, m = export.synthetic_lesion(rng, 40, 30)
            export.save_png(img, os.path.join(folder, "images", r[0] + ".jpg"))
            if r[0] in with_masks:
                export.save_png(m.astype(np.uint8) * 255, os.path.join(folder, "masks", r[0] + "_segmentation.png"))
    return folder


class Loader(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="data-")
        hdr = ["image_id", "split", "melanoma", "dx", "lesion_id"]
        self.ham = write_folder(self.tmp, "ham10000", [
            ["A1", "train", 1, "mel", "L1"], ["A2", "val", 0, "nv", "L2"], ["A3", "train", 0, "bkl", "L2"],
            ["A4", "train", 0, "bcc", "L3"]], hdr, with_masks={"A1", "A2"})
        self.aux = write_folder(self.tmp, "isic-aux", [["A1", 1, "melanoma"], ["A2", 0, "nevus"],
                                                       ["X9", 0, "actinic keratosis"]],
                                ["image_id", "melanoma", "diagnosis"])

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_dedup_lesion_groups_and_diagnoses(self):
        recs, dropped = data.deduplicate([data.read_folder(self.ham), data.read_folder(self.aux)])
        self.assertEqual(dropped, {"isic-aux": 2})               # A1, A2 belong to HAM10000
        self.assertEqual([r.id for r in recs], ["A1", "A2", "A3", "A4", "X9"])
        train, val, leaked = data.split_train_val(recs, {"ham10000": "val"}, {"ham10000": "train", "isic-aux": None})
        self.assertEqual([r.id for r in val], ["A2"])
        self.assertEqual(leaked, 1)                                # A3 shares lesion L2 with A2 (val)
        self.assertEqual(sorted(r.id for r in train), ["A1", "A4", "X9"])
        dx = {r.id: r.dx for r in recs}
        self.assertEqual((dx["A1"], dx["A2"], dx["A3"], dx["A4"], dx["X9"]), (0, 1, 2, 3, 3))
        self.assertEqual({r.id: r.mask_path is not None for r in recs}["A1"], True)
        self.assertEqual(data.dx_group({"melanoma": "0", "diagnosis": ""}), data.UNKNOWN_DX)

    def test_near_duplicate_pair_is_one_lesion(self):
        folder = write_folder(self.tmp, "isic2017", [["ISIC_0012970", "train", 0], ["ISIC_0012127", "val", 0],
                                                     ["ISIC_0000001", "train", 1]], ["image_id", "split", "melanoma"])
        recs, _ = data.deduplicate([data.read_folder(folder)])
        train, val, leaked = data.split_train_val(recs, {"isic2017": "val"}, {"isic2017": "train"})
        self.assertEqual([r.id for r in train], ["ISIC_0000001"])
        self.assertEqual(leaked, 1)

    def test_missing_image_is_named(self):
        os.remove(os.path.join(self.ham, "images", "A4.jpg"))
        with self.assertRaisesRegex(FileNotFoundError, "A4"):
            data.read_folder(self.ham)

    def test_sampling_weights_balance_sources_and_classes(self):
        recs = [data.Record("a", str(i), "train", int(i < 10), 0, str(i), "", None) for i in range(100)]
        recs += [data.Record("b", "b%d" % i, "train", int(i < 2), 0, "b%d" % i, "", None) for i in range(10)]
        w = data.sampling_weights(recs, {"a": 0.5, "b": 0.5}, 0.3)
        src = np.array([r.src for r in recs])
        y = np.array([r.y for r in recs])
        self.assertAlmostEqual(w[src == "b"].sum(), 0.5)
        self.assertAlmostEqual(w[(src == "a") & (y == 1)].sum(), 0.15)
        self.assertAlmostEqual(w[(src == "b") & (y == 1)].sum(), 0.15)


def bfs_components(mask, connectivity):
    """Test oracle: breadth-first labelling in row-major order of first pixels."""
    h, w = mask.shape
    lab = np.zeros((h, w), np.int32)
    sizes = []
    nb = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
    if connectivity == 4:
        nb = [(-1, 0), (0, -1), (0, 1), (1, 0)]
    for y0 in range(h):
        for x0 in range(w):
            if mask[y0, x0] and not lab[y0, x0]:
                sizes.append(0)
                lab[y0, x0] = len(sizes)
                q = deque([(y0, x0)])
                while q:
                    y, x = q.popleft()
                    sizes[-1] += 1
                    for dy, dx in nb:
                        yy, xx = y + dy, x + dx
                        if 0 <= yy < h and 0 <= xx < w and mask[yy, xx] and not lab[yy, xx]:
                            lab[yy, xx] = len(sizes)
                            q.append((yy, xx))
    return lab, sizes


class VectorisedPostprocess(unittest.TestCase):
    def test_components_match_breadth_first_labelling(self):
        rng = np.random.RandomState(3)
        for _ in range(60):
            m = rng.rand(rng.randint(1, 30), rng.randint(1, 30)) < rng.uniform(0.1, 0.8)
            for c in (4, 8):
                lab, sizes = common.label_components(m, c)
                olab, osizes = bfs_components(m, c)
                self.assertEqual(sizes, osizes)
                self.assertTrue((lab == olab).all())

    def test_hole_reached_by_a_winding_corridor_stays_background(self):
        m = np.ones((9, 9), bool)
        for y, x in [(4, 0), (4, 1), (3, 1), (2, 1), (2, 2), (2, 3), (3, 3), (4, 3), (4, 4)]:
            m[y, x] = False                # a corridor from the left border, bending, to the centre (4, 4)
        self.assertFalse(common.fill_holes(m)[4, 4])
        closed = m.copy()
        closed[4, 0] = True                # entrance closed: the corridor is a hole
        filled = common.fill_holes(closed)
        self.assertTrue(filled[4, 4] and filled[2, 2])


class ResumableTraining(unittest.TestCase):
    """train_full.py on generated folders: an epoch per call, --resume and --from-weights continue the run."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="full-")
        hdr = ["image_id", "split", "melanoma", "dx", "lesion_id"]
        rows = [["H%d" % i, "val" if i < 6 else "train", i % 2, "mel" if i % 2 else "nv", "L%d" % i]
                for i in range(16)]
        ham = write_folder(self.tmp, "ham10000", rows, hdr, with_masks={r[0] for r in rows})
        i17 = write_folder(self.tmp, "isic2017", [["I%d" % i, "val" if i < 4 else "train", i % 2] for i in range(10)],
                           ["image_id", "split", "melanoma"], with_masks={"I%d" % i for i in range(10)})
        seg = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "src", "test", "resources",
                           "tiny-models", "seg")
        self.base = ["--smoke", "--folders", i17, ham, "--segmenter", seg, "--sizes", "32x3", "--epoch-samples",
                     "8", "--batch", "4", "--warmup-steps", "1", "--threads", "1",
                     "--workdir", os.path.join(self.tmp, "w")]

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_quietly(self, extra):
        import train_full
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            train_full.main(self.base + extra)
        with open(os.path.join(self.tmp, "w", "history.json")) as f:
            return json.load(f)

    def test_resume_and_continue_from_weights(self):
        import train_full
        full = self.run_quietly([])
        self.assertEqual([h["epoch"] for h in full], [1, 2, 3])
        self.assertEqual(set(full[0]["val_auc"]), {"isic2017", "ham10000", "pooled", "mean_per_source",
                                                   "pooled_spec_at_sens95"})
        state = torch.load(os.path.join(self.tmp, "w", "last.pt"))
        self.assertEqual(state["epoch"], 3)
        # resume: a run cut after epoch 2 continues at epoch 3 with the saved schedule
        state["epoch"], state["history"] = 2, state["history"][:2]
        torch.save(state, os.path.join(self.tmp, "w", "last.pt"))
        resumed = self.run_quietly(["--resume"])
        self.assertEqual([h["epoch"] for h in resumed], [1, 2, 3])
        weights = os.path.join(self.tmp, "weights.pt")
        m = train_full.FullClassifier(tiny=True)
        torch.save({k: v.half() if v.is_floating_point() else v for k, v in m.state_dict().items()}, weights)
        cont = self.run_quietly(["--from-weights", weights, "--start-epoch", "2", "--history",
                                 os.path.join(self.tmp, "w", "history.json")])
        self.assertEqual([h["epoch"] for h in cont], [1, 2, 3])
        self.assertEqual(cont[:2], resumed[:2])
        snap = os.path.join(self.tmp, "resume", "run")
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            train_full.main(["--workdir", os.path.join(self.tmp, "w"), "--snapshot", snap])
        self.assertEqual(sorted(os.listdir(snap)), ["README.md", "history.json", "weights_epoch03.pt"])
        w = torch.load(os.path.join(snap, "weights_epoch03.pt"))
        self.assertEqual(w["head.weight"].dtype, torch.float16)
        with open(os.path.join(snap, "README.md")) as f:
            readme = f.read()
        self.assertIn("--start-epoch 3", readme)
        self.assertIn("--sizes 32x3", readme)


    def test_export_calibrated_and_thresholded(self):
        import export_full
        self.run_quietly([])
        out = os.path.join(self.tmp, "model")
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            man = export_full.main(["--workdir", os.path.join(self.tmp, "w"), "--out", out,
                                    "--heldout", os.path.join(self.tmp, "isic2017")])
        self.assertEqual(export.verify_folder(out), [])
        m = man["metrics"]
        self.assertGreaterEqual(m["pooled_val"]["sensitivity"], 0.95)
        self.assertEqual(set(m), {"selected_on", "pooled_val", "isic2017_val", "ham10000_val", "heldout_isic2017",
                                  "calibration", "single_view", "tta_ablation"})
        self.assertEqual(man["thresholds"]["target_sensitivity"], 0.95)
        self.assertEqual(man["input"]["tta"], {"views": ["identity", "hflip", "vflip", "rot180"],
                                               "combine": "mean_probability"})
        self.assertGreaterEqual(m["single_view"]["pooled_val"]["sensitivity"], 0.95)
        self.assertEqual(man["thresholds"]["referral_single_view"], m["single_view"]["threshold"])
        self.assertEqual([r["views"] for r in m["tta_ablation"]], ["identity", "flips (4)", "dihedral (8)", "shipped"])
        with open(os.path.join(out, "fixtures", "expected.json")) as f:
            fx = json.load(f)["images"][0]
        self.assertEqual(len(fx["view_melanoma_probabilities"]), 4)
        self.assertAlmostEqual(fx["melanoma_probability"], float(np.mean(fx["view_melanoma_probabilities"])), 6)

    def test_platt_fit_recovers_a_known_calibration(self):
        import export_full
        rng = np.random.RandomState(0)
        z = rng.normal(0, 2, 20000)
        y = (rng.rand(len(z)) < 1 / (1 + np.exp(-(0.5 * z - 1.0)))).astype(int)
        a, b = export_full.fit_platt(z, y)
        self.assertAlmostEqual(a, 0.5, delta=0.05)
        self.assertAlmostEqual(b, -1.0, delta=0.08)


class MaskAtGroundTruthResolution(unittest.TestCase):
    def test_bilinear_half_pixel_then_strictly_above_half(self):
        m = np.array([[True, False]])
        # 1x2 -> 1x4: source x = (x+0.5)/2-0.5 = -0.25, 0.25, 0.75, 1.25 -> 1, 0.75, 0.25, 0
        self.assertEqual(common.upsample_mask(m, 1, 4).tolist(), [[True, True, False, False]])
        # 1x2 -> 1x3: the middle pixel samples x = 0.5 exactly -> 0.5, not foreground
        self.assertEqual(common.upsample_mask(m, 1, 3).tolist(), [[True, False, False]])
        sq = np.zeros((4, 4), bool)
        sq[1:3, 1:3] = True
        self.assertEqual(int(common.upsample_mask(sq, 8, 8).sum()), 16)
        self.assertIs(common.upsample_mask(sq, 4, 4), sq)


class OodScore(unittest.TestCase):
    def test_formula_by_hand(self):
        ood = {"mean": [1.0, 0.0, 0.0], "components": [[1.0, 0.0, 0.0]], "eigenvalues": [4.0],
               "residual_variance": 0.5}
        # d = (2, 1, -1): z = 2 -> 4/4 = 1; residual (0, 1, -1) -> 2 / 0.5 = 4
        self.assertAlmostEqual(float(common.ood_scores(ood, [[3.0, 1.0, -1.0]])[0]), 5.0)

    def test_fit_pca_residual_variance(self):
        rng = np.random.RandomState(0)
        f = rng.normal(0, 1, (4000, 6)) * np.array([5, 3, 1, 1, 1, 1])
        mean, comps, evs, resid = fit_ood.fit_pca(f, 2)
        self.assertTrue(np.allclose(np.abs(comps[0]), [1, 0, 0, 0, 0, 0], atol=0.05))
        self.assertAlmostEqual(evs[0], 25, delta=2)
        self.assertAlmostEqual(resid, 1.0, delta=0.1)

    def test_generated_images_cover_every_kind(self):
        kinds = {k for k, _ in fit_ood.non_dermoscopic_images(n_per_kind=2)}
        self.assertEqual(kinds, {"noise", "flat", "gradient", "checkerboard", "stripes", "text"})


class FitOodOnTinyClassifier(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ood-")
        cls.cls = os.path.join(cls.tmp, "cls")
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            train_cls.main(["--smoke", "--size", "32", "--region", "crop", "--cc", "sog", "--top-epochs", "2",
                            "--epochs", "1", "--steps", "1", "--batch", "4", "--mask-hw", "64", "96",
                            "--out", cls.cls, "--workdir", os.path.join(cls.tmp, "w")])
            with open(os.path.join(cls.cls, "fixtures", "expected.json")) as f:
                cls.before = json.load(f)
            rng = np.random.RandomState(4)
            imgs, masks = [], []
            for i in range(60):
                img, m = export.synthetic_lesion(rng, 80, 60)
                imgs.append(img)
                masks.append(common.resize_mask_nearest(m, 64, 96))
            kinds, nd = zip(*fit_ood.non_dermoscopic_images(n_per_kind=2))
            fit_ood.fit(cls.cls, imgs[:48], masks[:48], {"synthetic_val": (imgs[48:], masks[48:])}, k=4,
                        quantile=0.995, holdout=0.25, fitted_on="test",
                        synthetic=(list(kinds), list(nd), [None] * len(nd)))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_features_output_added_and_logits_unchanged(self):
        om = OnnxModel(os.path.join(self.cls, "model.onnx"))
        self.assertEqual(om.output_names, ["logits", "features"])
        self.assertEqual(om.output_shapes()["features"], [-1, 64])
        with open(os.path.join(self.cls, "fixtures", "expected.json")) as f:
            after = json.load(f)
        for a, b in zip(self.before["images"], after["images"]):
            self.assertEqual(a["melanoma_probability"], b["melanoma_probability"])
            self.assertGreater(b["ood_score"], 0)
        self.assertEqual(fit_ood.add_features_output(os.path.join(self.cls, "model.onnx")), 64)  # idempotent
        self.assertEqual(OnnxModel(os.path.join(self.cls, "model.onnx")).output_names, ["logits", "features"])

    def test_manifest_section_and_verification(self):
        with open(os.path.join(self.cls, "manifest.json")) as f:
            man = json.load(f)
        ood = man["ood"]
        self.assertEqual((ood["output"], ood["method"]), ("features", "pca_mahalanobis"))
        self.assertEqual((len(ood["mean"]), len(ood["components"]), len(ood["components"][0])), (64, 4, 64))
        self.assertEqual(len(ood["eigenvalues"]), 4)
        self.assertIn("synthetic_val", ood["val_rejected"])
        self.assertEqual(ood["threshold_quantile"], 0.995)
        self.assertEqual(export.verify_folder(self.cls), [])

    def test_tampered_ood_is_detected(self):
        bad = os.path.join(self.tmp, "bad")
        shutil.copytree(self.cls, bad)
        p = os.path.join(bad, "fixtures", "expected.json")
        with open(p) as f:
            exp = json.load(f)
        exp["images"][0]["ood_score"] *= 1.01
        with open(p, "w") as f:
            json.dump(exp, f)
        self.assertTrue(any("ood_score" in s for s in export.verify_folder(bad)))
        shutil.rmtree(bad)


if __name__ == "__main__":
    unittest.main()


class BatchNormIdentity(unittest.TestCase):
    """nets.bn_identity_on: the re-parameterised network computes what the folded one did on the calibration data,
    in eval mode and on batch statistics, while every batch norm now normalises (running stats = the data's)."""

    def test_identity_on_calibration_data(self):
        import nets
        torch.manual_seed(0)
        feats, _ = nets.make_backbone(tiny=True)
        nets.init_backbone(feats, "none")
        bns = [m for m in feats.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        with torch.no_grad():
            for m in bns:                          # the folded layout: mean 0, var 1, weight 1, a bias
                m.running_mean.zero_()
                m.running_var.fill_(1.0 - m.eps)
                m.weight.fill_(1.0)
                m.bias.uniform_(-0.5, 0.5)
        x = torch.rand(6, 3, 32, 32) * 2 - 1
        feats.eval()
        with torch.no_grad():
            before = feats(x)
        self.assertEqual(nets.bn_identity_on(feats, [x[:3], x[3:]]), len(bns))
        with torch.no_grad():
            after_eval = feats(x)
            feats.train()
            after_batch = feats(x)
        self.assertLess(float((after_eval - before).abs().max()), 1e-4)
        self.assertLess(float((after_batch - before).abs().max()), 1e-3)
        self.assertGreater(max(float(m.running_var.sub(1).abs().max()) for m in bns), 0.1)

    def test_training_runs_with_identity_batch_norm(self):
        case = ResumableTraining("test_resume_and_continue_from_weights")
        case.setUp()
        try:
            hist = case.run_quietly(["--bn", "identity"])
            self.assertEqual([h["epoch"] for h in hist], [1, 2, 3])
            self.assertEqual(torch.load(os.path.join(case.tmp, "w", "last.pt"))["args"]["bn"], "identity")
        finally:
            case.tearDown()
