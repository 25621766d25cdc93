"""Smoke tests: train each model for a few steps on generated images (no ../shared needed), export,
re-load the ONNX files, check manifests / fixtures, run the evaluation command; plus unit tests of the
reference pre/post-processing and metrics.

  /usr/bin/python3 -m unittest discover -s models/training/tests -v
"""
import csv
import json
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

import common  # noqa: E402
import evaluate  # noqa: E402
import export  # noqa: E402
import train_cls  # noqa: E402
import train_seg  # noqa: E402

torch.set_num_threads(2)


class SmokeTrainExport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="smoke-")
        cls.seg = os.path.join(cls.tmp, "seg")
        cls.cls = os.path.join(cls.tmp, "cls")
        quiet = open(os.devnull, "w")
        old = sys.stdout
        sys.stdout = quiet
        try:
            train_seg.main(["--smoke", "--height", "64", "--width", "96", "--epochs", "2", "--steps", "2",
                            "--batch", "4", "--out", cls.seg, "--workdir", os.path.join(cls.tmp, "w1")])
            train_cls.main(["--smoke", "--size", "32", "--region", "crop", "--cc", "sog", "--top-epochs", "3",
                            "--epochs", "1", "--steps", "2", "--batch", "4", "--segmenter", cls.seg,
                            "--out", cls.cls, "--workdir", os.path.join(cls.tmp, "w2")])
        finally:
            sys.stdout = old
            quiet.close()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def manifest(self, folder):
        with open(os.path.join(folder, "manifest.json")) as f:
            return json.load(f)

    def test_folders_verify(self):
        for folder in (self.seg, self.cls):
            self.assertEqual(export.verify_folder(folder), [], folder)

    def test_manifest_fields(self):
        s, c = self.manifest(self.seg), self.manifest(self.cls)
        for m in (s, c):
            for k in ("schema", "id", "version", "task", "file", "sha256", "input", "output", "metrics", "cost",
                      "provenance"):
                self.assertIn(k, m)
            self.assertEqual(m["sha256"], export.sha256_file(os.path.join(os.path.dirname(
                os.path.join(self.seg if m is s else self.cls, "x")), "model.onnx")))
            self.assertEqual(m["input"]["name"], "image")
            self.assertEqual(m["output"]["name"], "logits")
            self.assertEqual(m["input"]["layout"], "NCHW")
        self.assertEqual(s["task"], "segmentation")
        self.assertEqual(s["output"]["shape"], [-1, 1, 64, 96])
        self.assertEqual(s["postprocess"]["connectivity"], 8)
        self.assertEqual(c["task"], "classification")
        self.assertEqual(c["output"]["shape"], [-1, 1])
        self.assertEqual(c["input"]["colour_constancy"], {"method": "shades_of_gray", "p": 6})
        self.assertEqual(c["input"]["region"]["type"], "crop")
        for k in ("referral", "referral_sensitivity", "referral_specificity", "chosen_on"):
            self.assertIn(k, c["thresholds"])

    def test_fixtures(self):
        with open(os.path.join(self.cls, "fixtures", "expected.json")) as f:
            exp = json.load(f)
        self.assertGreaterEqual(len(exp["images"]), 3)
        for e in exp["images"]:
            self.assertTrue(os.path.exists(os.path.join(self.cls, "fixtures", e["mask_file"])))
            self.assertEqual((e["mask_height"], e["mask_width"]), (64, 96))
            self.assertEqual(len(e["crop_rect"]), 4)
        with open(os.path.join(self.seg, "fixtures", "expected.json")) as f:
            exp = json.load(f)
        self.assertEqual(len(exp["images"][0]["prob_samples"]), 32)
        self.assertNotEqual((exp["images"][0]["width"], exp["images"][0]["height"]), (96, 64))

    def test_broken_export_is_detected(self):
        bad = os.path.join(self.tmp, "bad")
        shutil.copytree(self.cls, bad)
        with open(os.path.join(bad, "model.onnx"), "ab") as f:
            f.write(b"\0")
        self.assertIn("sha256 mismatch", export.verify_folder(bad))
        shutil.rmtree(bad)
        shutil.copytree(self.seg, bad)
        p = os.path.join(bad, "fixtures", "expected.json")
        with open(p) as f:
            exp = json.load(f)
        exp["images"][0]["prob_mean"] += 0.01
        with open(p, "w") as f:
            json.dump(exp, f)
        self.assertTrue(export.verify_folder(bad))
        shutil.rmtree(bad)

    def test_evaluate_command(self):
        data = os.path.join(self.tmp, "data")
        os.makedirs(os.path.join(data, "images"))
        os.makedirs(os.path.join(data, "masks"))
        rng = np.random.RandomState(5)
        with open(os.path.join(data, "labels.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["image_id", "split", "melanoma"])
            for i in range(8):
                img, m = export.synthetic_lesion(rng, 128, 96, dark=1.0 if i % 2 else 0.6)
                export.save_png(img, os.path.join(data, "images", "x%d.png" % i))
                os.rename(os.path.join(data, "images", "x%d.png" % i), os.path.join(data, "images", "x%d.jpg" % i))
                export.save_png(m.astype(np.uint8) * 255, os.path.join(data, "masks", "x%d_segmentation.png" % i))
                w.writerow(["x%d" % i, "val" if i < 6 else "train", i % 2])
        res, extra = evaluate.evaluate(data, "val", self.seg, self.cls, os.path.join(self.tmp, "e.csv"),
                                       os.path.join(self.tmp, "roc.png"), log=None)
        self.assertEqual(set(res), set(evaluate.JSON_KEYS))
        self.assertEqual(res["images"], 6)
        self.assertEqual(res["failed"], 0)
        self.assertIsNotNone(res["auc"])
        self.assertIsNotNone(res["jaccard"])
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "roc.png")))


class CommittedModels(unittest.TestCase):
    """The shipped model folders (models/<id>/) and the Java tests' tiny models verify: sha256, names,
    shapes, and every parity fixture re-run through the ONNX graph."""

    def test_committed_folders_verify(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))     # repository root
        folders = [os.path.join(root, "models", d) for d in sorted(os.listdir(os.path.join(root, "models")))]
        tiny = os.path.join(root, "src", "test", "resources", "tiny-models")
        if os.path.isdir(tiny):
            folders += [os.path.join(tiny, d) for d in sorted(os.listdir(tiny))]
        folders = [f for f in folders if os.path.exists(os.path.join(f, "manifest.json"))]
        for f in folders:
            with self.subTest(folder=f):
                self.assertEqual(export.verify_folder(f), [])
                self.assertTrue(os.path.exists(os.path.join(f, "fixtures", "expected.json")))


class ReferenceCode(unittest.TestCase):
    def test_largest_component_tie_and_fill(self):
        m = np.zeros((6, 8), bool)
        m[0, 5:7] = True          # component met first (row-major), size 2
        m[3, 0:2] = True          # same size, met later
        out = common.largest_component(m)
        self.assertTrue(out[0, 5] and not out[3, 0])
        d = np.zeros((5, 5), bool)
        d[0, 0] = d[1, 1] = True  # 8-connected diagonal
        self.assertEqual(int(common.largest_component(d).sum()), 2)
        ring = np.zeros((7, 7), bool)
        ring[1:6, 1:6] = True
        ring[3, 3] = False
        self.assertTrue(common.fill_holes(ring)[3, 3])
        open_ring = ring.copy()
        open_ring[3, 1:4] = False  # hole reaches the border row? no: column 0 is background -> connected
        self.assertFalse(common.fill_holes(open_ring)[3, 3])

    def test_crop_rect(self):
        m = np.zeros((192, 256), bool)
        m[50:100, 60:140] = True
        r = common.crop_rect_from_mask(m, 512, 384, 0.15, True)
        # bbox 120..280 x 100..200 (image), centre (200,150), side max(160,100)*1.3 = 208
        self.assertEqual(r, (96, 46, 304, 254))
        self.assertIsNone(common.crop_rect_from_mask(np.zeros((4, 4), bool), 8, 8, 0.1, True))

    def test_auc_and_bootstrap(self):
        y = np.array([0, 0, 1, 1, 0, 1])
        p = np.array([0.1, 0.5, 0.5, 0.9, 0.2, 0.3])
        # pairs: pos {0.5,0.9,0.3} vs neg {0.1,0.5,0.2}: 2.5 + 3 + 2 = 7.5 / 9
        self.assertAlmostEqual(common.auc_mann_whitney(y, p), 7.5 / 9)
        ci = common.bootstrap_ci(y, p, common.auc_mann_whitney, n_boot=200)
        self.assertTrue(0 <= ci[0] <= ci[1] <= 1)

    def test_java_random(self):
        r = common.JavaRandom(0)   # java.util.Random(0).nextInt(150) x 10, then nextInt(64) x 5
        self.assertEqual([r.next_int(150) for _ in range(10)], [60, 148, 79, 47, 65, 53, 41, 111, 69, 104])
        self.assertEqual([r.next_int(64) for _ in range(5)], [21, 16, 24, 39, 63])

    def test_metrics(self):
        y = np.array([1, 0, 1, 0])
        p = np.array([0.95, 0.05, 0.35, 0.65])
        st = common.binary_stats(y, p, 0.5)
        self.assertEqual((st["tp"], st["fn"], st["tn"], st["fp"]), (1, 1, 1, 1))
        self.assertAlmostEqual(common.ece(y, p), 0.25 * (0.05 + 0.05 + 0.65 + 0.65))
        self.assertAlmostEqual(common.log_loss([1], [1.0]), -np.log(1 - 1e-7))
        self.assertEqual(common.dice_jaccard(np.zeros((2, 2), bool), np.zeros((2, 2), bool)), (1.0, 1.0))

    def test_shades_of_gray_and_resize(self):
        x = torch.rand(1, 3, 10, 12) * 255
        y = common.shades_of_gray(x, 6)
        e = y.double().pow(6).mean(dim=(2, 3)).pow(1 / 6)[0]
        self.assertLess(float(e.max() - e.min()), 1.0 + 1e-3 * float(e.max()))  # equalised unless clipped
        self.assertIs(common.resize_float(x, 10, 12), x)
        self.assertEqual(tuple(common.resize_float(x, 5, 7).shape), (1, 3, 5, 7))


if __name__ == "__main__":
    unittest.main()
