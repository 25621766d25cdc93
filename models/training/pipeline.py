"""The device pipeline of CONTRACT.md on exported model folders (model.onnx run by onnxrun):
image -> segmenter -> post-process -> region -> classifier -> melanoma probability."""
import json
import os

import numpy as np

import common
from onnxrun import OnnxModel


class ModelFolder:
    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "manifest.json")) as f:
            self.manifest = json.load(f)
        self.onnx = OnnxModel(os.path.join(folder, self.manifest["file"]))

    @property
    def spec(self):
        return self.manifest["input"]


def segment(seg, img):
    """Returns (probability map, post-processed bool mask) at the segmenter's resolution."""
    x, _ = common.preprocess(img, seg.spec)
    prob = common.sigmoid_np(seg.onnx.run(x)[0, 0].numpy().astype(np.float64))
    return prob, common.postprocess_mask(prob, seg.manifest["postprocess"])


def classify(cls, img, mask, tta=True):
    """Returns (class probabilities, melanoma probability, crop_rect), means over the manifest's test-time views
    (identity alone with tta=False). Empty/None mask: full image."""
    if mask is not None and not mask.any():
        mask = None
    x, rect = common.preprocess(img, cls.spec, mask)
    views = common.tta_views(cls.spec) if tta else ["identity"]
    logits = cls.onnx.run(common.apply_views(x, views)).numpy().astype(np.float64)
    out = cls.manifest["output"]
    probs = (common.sigmoid_np(logits) if out["activation"] == "sigmoid" else common.softmax_np(logits)).mean(0)
    return probs, float(probs[out["melanoma_index"]]), rect


def segment_batch(seg, imgs, batch=32):
    """Post-processed masks of many images, the segmenter run on batches (same result as segment())."""
    import torch
    masks = []
    for i in range(0, len(imgs), batch):
        x = torch.cat([common.preprocess(im, seg.spec)[0] for im in imgs[i:i + batch]])
        probs = common.sigmoid_np(seg.onnx.run(x)[:, 0].numpy().astype(np.float64))
        masks += [common.postprocess_mask(p, seg.manifest["postprocess"]) for p in probs]
    return masks
