"""Test-time views against the index formulas of CONTRACT.md (no ../shared needed)."""
import os
import sys
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import common  # noqa: E402

VIEWS = ["identity", "hflip", "vflip", "rot180", "rot90", "rot270", "transpose", "transverse"]


def contract_pixel(img, view, y, x):
    h, w = img.shape[1:]
    return {"identity": img[:, y, x], "hflip": img[:, y, w - 1 - x], "vflip": img[:, h - 1 - y, x],
            "rot180": img[:, h - 1 - y, w - 1 - x], "rot90": img[:, x, w - 1 - y], "rot270": img[:, h - 1 - x, y],
            "transpose": img[:, x, y], "transverse": img[:, h - 1 - x, w - 1 - y]}[view]


class TtaViewsTest(unittest.TestCase):
    def test_views_follow_the_contract_and_keep_each_items_views_together(self):
        x = torch.arange(2 * 3 * 5 * 5, dtype=torch.float32).reshape(2, 3, 5, 5)
        y = common.apply_views(x, VIEWS)
        self.assertEqual(tuple(y.shape), (16, 3, 5, 5))
        for n in range(2):
            for k, view in enumerate(VIEWS):
                for yy in range(5):
                    for xx in range(5):
                        self.assertTrue(torch.equal(y[n * 8 + k, :, yy, xx], contract_pixel(x[n], view, yy, xx)),
                                        (n, view, yy, xx))

    def test_rotations_refuse_a_non_square_input_and_unknown_views_are_named(self):
        x = torch.zeros(1, 3, 4, 6)
        self.assertEqual(tuple(common.apply_views(x, ["identity", "hflip", "vflip", "rot180"]).shape), (4, 3, 4, 6))
        with self.assertRaisesRegex(ValueError, "rot90.*square"):
            common.apply_views(x, ["identity", "rot90"])
        with self.assertRaisesRegex(ValueError, "'mirror'"):
            common.apply_views(x, ["mirror"])

    def test_no_tta_section_means_the_identity_view(self):
        self.assertEqual(common.tta_views({"height": 8}), ["identity"])
        self.assertEqual(common.tta_views({"tta": {"views": ["identity", "hflip"]}}), ["identity", "hflip"])


if __name__ == "__main__":
    unittest.main()
