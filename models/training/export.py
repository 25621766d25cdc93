"""ONNX export, manifest.json, parity fixtures (CONTRACT.md)."""
import datetime
import hashlib
import inspect
import json
import os
import re
import subprocess

import numpy as np
import onnx
import torch
from PIL import Image

import common
import nets
from onnxrun import OnnxModel

OPSET = 13
N_PROB_SAMPLES = 32
OOD_RTOL = 1e-3         # relative tolerance of a fixture's ood_score (CONTRACT)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def git_commit(path="."):
    try:
        return subprocess.check_output(["git", "-C", path, "rev-parse", "HEAD"],
                                       stderr=subprocess.DEVNULL).decode().strip()
    except Exception:
        return "unknown"


def export_onnx(model, h, w, path):
    model.eval()
    dummy = torch.zeros(1, 3, h, w)
    kw = dict(input_names=["image"], output_names=["logits"],
              dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}},
              opset_version=OPSET, do_constant_folding=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(model, dummy, path, **kw)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return path


# --------------------------------------------------------------------------- synthetic images
def export_model(model, folder, h, w):
    """Writes folder/model.onnx (creating folder) and returns (macs, params) for the manifest's cost."""
    os.makedirs(folder, exist_ok=True)
    export_onnx(model, h, w, os.path.join(folder, "model.onnx"))
    return nets.count_macs(model, (3, h, w))


def synthetic_lesion(rng, W=320, H=240, dark=1.0):
    """Skin-coloured texture with one irregular pigmented blob. Returns (uint8 HxWx3, bool HxW mask)."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    skin = np.array([rng.uniform(185, 225), rng.uniform(135, 170), rng.uniform(115, 150)])
    # low-frequency texture: a few random sinusoids
    tex = np.zeros((H, W))
    for _ in range(6):
        fx, fy = rng.uniform(0.005, 0.05, 2)
        tex += rng.uniform(2, 6) * np.sin(2 * np.pi * (fx * xx + fy * yy) + rng.uniform(0, 6.3))
    cx, cy = rng.uniform(0.35, 0.65) * W, rng.uniform(0.35, 0.65) * H
    r0 = rng.uniform(0.18, 0.3) * min(W, H)
    th = np.arctan2(yy - cy, xx - cx)
    rr = np.hypot(yy - cy, xx - cx)
    rad = np.ones_like(th)
    for k in range(2, 6):
        rad += rng.uniform(0.02, 0.12) * np.cos(k * th + rng.uniform(0, 6.3))
    edge = np.clip((r0 * rad - rr) / 3.0, 0, 1)                  # soft border, 3 px
    lesion = np.array([rng.uniform(70, 120), rng.uniform(40, 75), rng.uniform(25, 55)])
    vari = 0.75 + 0.25 * np.sin(rr / r0 * 5 + th * 2 + rng.uniform(0, 6.3))
    img = skin[None, None, :] + tex[:, :, None]
    les = lesion[None, None, :] * vari[:, :, None]
    a = (edge * dark)[:, :, None]
    img = img * (1 - a) + les * a
    img += rng.normal(0, 3, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8), edge > 0.5


FIXTURE_SIZES = [(320, 240), (240, 320), (300, 300), (200, 150)]


def fixture_images(n=4, seed=1234):
    rng = np.random.RandomState(seed)
    return [synthetic_lesion(rng, *FIXTURE_SIZES[i % len(FIXTURE_SIZES)])[0] for i in range(n)]


def save_png(arr, path):
    Image.fromarray(arr).save(path, format="PNG", optimize=False)


# --------------------------------------------------------------------------- fixtures
def seg_forward(model, img, spec, pp):
    x, _ = common.preprocess(img, spec)
    with torch.no_grad():
        logit = model(x)[0, 0].numpy().astype(np.float64)
    prob = common.sigmoid_np(logit)
    mask = common.postprocess_mask(prob, pp)
    return x, prob, mask


def seg_fixtures(model, spec, pp, folder, images, seed=0):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(seed)
    entries, masks = [], []
    h, w = spec["height"], spec["width"]
    for i, img in enumerate(images):
        name = "fixture_%d.png" % i
        save_png(img, os.path.join(folder, name))
        img = common.load_rgb(os.path.join(folder, name))
        x, prob, mask = seg_forward(model, img, spec, pp)
        ys = rng.randint(0, h, N_PROB_SAMPLES)
        xs = rng.randint(0, w, N_PROB_SAMPLES)
        yx = np.nonzero(mask)
        bbox = ([int(yx[1].min()), int(yx[0].min()), int(yx[1].max()) + 1, int(yx[0].max()) + 1]
                if len(yx[0]) else None)
        xd = x.double()
        entries.append({
            "file": name, "width": int(img.shape[1]), "height": int(img.shape[0]),
            "input_sum": float(xd.sum()), "input_sum_sq": float((xd * xd).sum()),
            "prob_mean": float(prob.mean()),
            "prob_samples": [[int(y), int(x_), float(prob[y, x_])] for y, x_ in zip(ys, xs)],
            "mask_area": int(mask.sum()), "mask_bbox": bbox})
        masks.append(mask)
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump({"tolerance": 1e-4, "images": entries}, f, indent=1)
    return masks


def cls_fixtures(model, spec, out_spec, folder, images, masks):
    """masks: bool arrays at the segmenter's resolution (one per image)."""
    os.makedirs(folder, exist_ok=True)
    entries = []
    for i, (img, mask) in enumerate(zip(images, masks)):
        name = "fixture_%d.png" % i
        mname = "fixture_%d_mask.png" % i
        save_png(img, os.path.join(folder, name))
        save_png((mask.astype(np.uint8) * 255), os.path.join(folder, mname))
        img = common.load_rgb(os.path.join(folder, name))
        mask = common.load_mask(os.path.join(folder, mname))
        x, rect = common.preprocess(img, spec, mask)
        views = common.tta_views(spec)
        with torch.no_grad():
            view_logits = model(common.apply_views(x, views)).numpy().astype(np.float64)
        view_probs = activate(view_logits, out_spec["activation"])
        logits, probs = view_logits[0], view_probs.mean(0)
        xd = x.double()
        tta = {"view_melanoma_probabilities": [float(v) for v in view_probs[:, out_spec["melanoma_index"]]]
               } if spec.get("tta") else {}
        entries.append({
            "file": name, "width": int(img.shape[1]), "height": int(img.shape[0]),
            "input_sum": float(xd.sum()), "input_sum_sq": float((xd * xd).sum()),
            "mask_file": mname, "mask_width": int(mask.shape[1]), "mask_height": int(mask.shape[0]),
            "crop_rect": [int(v) for v in rect],
            "logits": [float(v) for v in logits],
            "probabilities": [float(v) for v in probs],
            "melanoma_probability": float(probs[out_spec["melanoma_index"]]), **tta})
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump({"tolerance": 1e-4, "images": entries}, f, indent=1)


def cls_fixture_runs(folder, man, om):
    """Each classifier fixture of folder/fixtures/expected.json re-run over the manifest's test-time views: yields
    (entry, {output name: tensor of V rows}, view probabilities V x K); then writes the entries back."""
    path = os.path.join(folder, "fixtures", "expected.json")
    with open(path) as f:
        exp = json.load(f)
    out = man["output"]
    for e in exp["images"]:
        img = common.load_rgb(os.path.join(folder, "fixtures", e["file"]))
        mask = common.load_mask(os.path.join(folder, "fixtures", e["mask_file"]))
        x, _ = common.preprocess(img, man["input"], mask)
        res = om.run_all(common.apply_views(x, common.tta_views(man["input"])))
        yield e, res, activate(res[out["name"]].numpy().astype(np.float64), out["activation"])
    with open(path, "w") as f:
        json.dump(exp, f, indent=1)


def activate(logits, activation):
    if activation == "sigmoid":
        return common.sigmoid_np(logits)
    return common.softmax_np(logits)


# --------------------------------------------------------------------------- manifest
def write_manifest(folder, manifest):
    onnx_path = os.path.join(folder, manifest.get("file", "model.onnx"))
    manifest["sha256"] = sha256_file(onnx_path)
    manifest.setdefault("cost", {})["onnx_bytes"] = os.path.getsize(onnx_path)
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        f.write(_NUMBER_LIST.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]",
                                 json.dumps(manifest, indent=2)))
        f.write("\n")
    return manifest


# a JSON list of numbers only (written on one line: the ood section holds tens of thousands of them)
_NUMBER_LIST = re.compile(r"\[\s*(-?[0-9.eE+-]+(?:,\s*-?[0-9.eE+-]+)*)\s*\]")


def base_manifest(model_id, version, task, input_spec, output_spec):
    return {"schema": 1, "id": model_id, "version": version, "task": task, "file": "model.onnx",
            "sha256": "", "input": input_spec, "output": output_spec}


def input_spec(h, w, norm, colour_constancy=None, region=None):
    return {"name": "image", "layout": "NCHW", "height": int(h), "width": int(w),
            "channel_order": "RGB", "resize": "bilinear",
            "scale": norm["scale"], "mean": list(norm["mean"]), "std": list(norm["std"]),
            "colour_constancy": colour_constancy, "region": region or {"type": "full"}}


def today():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def publish_cards(folders_manifests_cards):
    """For each (folder, manifest, model card text): the manifest and MODEL_CARD.md written, then the folder
    verified (printed). The last step of every recipe that changes a shipped pair's figures."""
    for folder, manifest, card in folders_manifests_cards:
        write_manifest(folder, manifest)
        with open(os.path.join(folder, "MODEL_CARD.md"), "w") as f:
            f.write(card)
    for folder, _, _ in folders_manifests_cards:
        problems = verify_folder(folder)
        print(folder, "verify:", "OK" if not problems else problems)


# --------------------------------------------------------------------------- verification
def verify_folder(folder, rtol=1e-4):
    """Reload a model folder: sha256, ONNX checker, graph names/shapes vs manifest, and the fixtures
    re-run through the ONNX graph (onnxrun) and the reference preprocessing. Returns list of problems."""
    problems = []
    with open(os.path.join(folder, "manifest.json")) as f:
        man = json.load(f)
    onnx_path = os.path.join(folder, man["file"])
    if sha256_file(onnx_path) != man["sha256"]:
        problems.append("sha256 mismatch")
    om = OnnxModel(onnx_path)
    spec, out = man["input"], man["output"]
    if om.input_names != [spec["name"]]:
        problems.append("input name %s" % om.input_names)
    ood = man.get("ood")
    want_outputs = [out["name"]] + ([ood["output"]] if ood else [])
    if om.output_names != want_outputs:
        problems.append("output names %s, manifest says %s" % (om.output_names, want_outputs))
    ishape = om.input_shape()
    if ishape[1:] != [3, spec["height"], spec["width"]]:
        problems.append("input shape %s" % ishape)
    oshape = om.output_shape()
    if oshape[1:] != list(out["shape"][1:]):
        problems.append("output shape %s vs %s" % (oshape, out["shape"]))
    if ood and om.output_names == want_outputs:
        fshape = om.output_shapes()[ood["output"]]
        if fshape[1:] != [len(ood["mean"])]:
            problems.append("%s shape %s, manifest's mean has %d values" % (ood["output"], fshape, len(ood["mean"])))
    with open(os.path.join(folder, "fixtures", "expected.json")) as f:
        exp = json.load(f)
    tol = exp["tolerance"]
    for e in exp["images"]:
        img = common.load_rgb(os.path.join(folder, "fixtures", e["file"]))
        if man["task"] == "segmentation":
            x, _ = common.preprocess(img, spec)
            prob = common.sigmoid_np(om.run(x)[0, 0].numpy().astype(np.float64))
            if abs(prob.mean() - e["prob_mean"]) > tol:
                problems.append("%s prob_mean %g vs %g" % (e["file"], prob.mean(), e["prob_mean"]))
            for y, xx, p in e["prob_samples"]:
                if abs(prob[y, xx] - p) > tol:
                    problems.append("%s prob[%d,%d]" % (e["file"], y, xx))
                    break
            mask = common.postprocess_mask(prob, man["postprocess"])
            if int(mask.sum()) != e["mask_area"]:
                problems.append("%s mask_area %d vs %d" % (e["file"], mask.sum(), e["mask_area"]))
        else:
            mask = common.load_mask(os.path.join(folder, "fixtures", e["mask_file"]))
            x, rect = common.preprocess(img, spec, mask)
            if list(rect) != e["crop_rect"]:
                problems.append("%s crop_rect %s vs %s" % (e["file"], rect, e["crop_rect"]))
            views = common.tta_views(spec)
            res = om.run_all(common.apply_views(x, views))
            view_probs = activate(res[out["name"]].numpy().astype(np.float64), out["activation"])
            probs = view_probs.mean(0)
            if np.max(np.abs(probs - np.array(e["probabilities"]))) > tol:
                problems.append("%s probabilities %s vs %s" % (e["file"], probs, e["probabilities"]))
            if spec.get("tta"):
                want = e.get("view_melanoma_probabilities")
                got = view_probs[:, out["melanoma_index"]]
                if want is None or len(want) != len(views) or np.max(np.abs(got - np.array(want))) > tol:
                    problems.append("%s view_melanoma_probabilities %s vs %s" % (e["file"], got, want))
                if "referral_single_view" not in man.get("thresholds", {}):
                    problems.append("tta without thresholds.referral_single_view")
            if ood:
                s_ood = float(common.ood_scores(ood, res[ood["output"]][:1].numpy())[0])
                if "ood_score" not in e or abs(s_ood - e["ood_score"]) > OOD_RTOL * abs(e["ood_score"]):
                    problems.append("%s ood_score %g vs %s" % (e["file"], s_ood, e.get("ood_score")))
        s = float(x.double().sum())
        if abs(s - e["input_sum"]) > max(tol, 1e-6 * abs(e["input_sum"])):
            problems.append("%s input_sum %g vs %g" % (e["file"], s, e["input_sum"]))
    return problems
