"""Batch augmentation on float tensors in [0, 255] (before colour constancy / normalisation), and the
mask perturbation that makes training regions look like the device's (imperfect masks)."""
import math

import torch
import torch.nn.functional as F


def affine(x, masks=None, rot_deg=30.0, scale=(0.9, 1.1), shift=0.1, flips=True, gen=None):
    """Random rotation / scale / translation / flips, one per sample. masks (N,1,H,W float) follow."""
    n, _, h, w = x.shape
    u = lambda *s: torch.rand(*s, generator=gen)
    ang = (u(n) * 2 - 1) * math.radians(rot_deg)
    sc = scale[0] + u(n) * (scale[1] - scale[0])
    tx, ty = (u(n) * 2 - 1) * shift * 2, (u(n) * 2 - 1) * shift * 2
    fx = torch.where(u(n) < 0.5, -1.0, 1.0) if flips else torch.ones(n)
    fy = torch.where(u(n) < 0.5, -1.0, 1.0) if flips else torch.ones(n)
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = cos * fx
    theta[:, 0, 1] = -sin * h / w * fy
    theta[:, 1, 0] = sin * w / h * fx
    theta[:, 1, 1] = cos * fy
    theta[:, 0, 2] = tx
    theta[:, 1, 2] = ty
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    if masks is not None:
        masks = F.grid_sample(masks, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return x, masks


def colour(x, brightness=0.2, contrast=0.2, saturation=0.2, gain=0.08, gen=None):
    n = x.shape[0]
    u = lambda *s: torch.rand(*s, generator=gen)
    b = 1 + (u(n, 1, 1, 1) * 2 - 1) * brightness
    c = 1 + (u(n, 1, 1, 1) * 2 - 1) * contrast
    s = 1 + (u(n, 1, 1, 1) * 2 - 1) * saturation
    g = 1 + (u(n, 3, 1, 1) * 2 - 1) * gain
    x = x * b * g
    m = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - m) * c + m
    gray = x.mean(dim=1, keepdim=True)
    x = gray + (x - gray) * s
    return x.clamp(0, 255)


def perturb_mask(mask, rng, grow=0.06, shift_div=25):
    """Random dilation/erosion (up to `grow` of the mask height) and a shift (up to 1/shift_div of each side)
    of a bool mask; an empty result keeps the original. rng: numpy RandomState."""
    if mask is None or not mask.any():
        return mask
    h, w = mask.shape
    kmax = max(1, int(round(grow * h)))
    k = rng.randint(-kmax, kmax + 1)
    t = torch.from_numpy(mask).float()[None, None]
    if k > 0:
        t = F.max_pool2d(t, 2 * k + 1, 1, k)
    elif k < 0:
        t = 1 - F.max_pool2d(1 - t, 2 * (-k) + 1, 1, -k)
    dy, dx = rng.randint(-h // shift_div, h // shift_div + 1), rng.randint(-w // shift_div, w // shift_div + 1)
    t = torch.roll(t, shifts=(dy, dx), dims=(2, 3))
    m = t[0, 0].numpy() > 0.5
    return m if m.any() else mask
