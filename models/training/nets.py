"""Networks: MobileNetV2 backbone (ImageNet init from the folded-BN npz, or torchvision's weights),
the U-Net style segmenter and the classifier (backbone + Dense 512-512-K top model)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

KERAS_NORM = {"scale": 1.0 / 255.0, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}
TORCHVISION_NORM = {"scale": 1.0 / 255.0, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}

# A very small MobileNetV2 layout for smoke tests / tiny fixtures (t, c, n, s).
TINY_SETTING = [[1, 8, 1, 1], [2, 8, 1, 2], [2, 16, 1, 2], [2, 16, 1, 2], [2, 24, 1, 2]]


def make_backbone(tiny=False, tiny_setting=None):
    if tiny:
        m = torchvision.models.MobileNetV2(width_mult=0.25, inverted_residual_setting=tiny_setting or TINY_SETTING,
                                           round_nearest=8)
        # shrink the final 1x1 conv (1280 wide by default) to 64 channels
        feats = m.features
        last = feats[-1]
        cin = last[0].in_channels
        feats[-1] = torchvision.ops.misc.Conv2dNormActivation(cin, 64, kernel_size=1,
                                                               norm_layer=nn.BatchNorm2d,
                                                               activation_layer=nn.ReLU6)
        return feats, 64
    m = torchvision.models.MobileNetV2()
    return m.features, 1280


def load_npz_into(features, path):
    """Copy the folded-BN Keras weights into torchvision's MobileNetV2 features (see the npz README)."""
    z = np.load(path)
    mods = dict(features.named_modules())
    n = 0
    for key in z.files:
        if not key.endswith(".weight"):
            continue
        conv_name = key[len("features."):-len(".weight")]
        if conv_name not in mods:          # e.g. the 1280 conv, dropped by the segmenter's encoder
            continue
        conv = mods[conv_name]
        w = torch.from_numpy(z[key])
        assert tuple(conv.weight.shape) == tuple(w.shape), (key, conv.weight.shape, w.shape)
        parts = conv_name.split(".")
        parts[-1] = str(int(parts[-1]) + 1)
        bn = mods[".".join(parts)]
        assert isinstance(bn, nn.BatchNorm2d), key
        b = torch.from_numpy(z[key[:-len(".weight")] + ".bias_folded_bn"])
        with torch.no_grad():
            conv.weight.copy_(w)
            bn.weight.fill_(1.0)
            bn.bias.copy_(b)
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
        n += 1
    return n


def init_backbone(features, init, npz_path=None):
    """init: 'npz' (needs npz_path), 'torchvision' (downloads ImageNet weights) or 'none'.
    Returns the input normalisation dict the weights expect."""
    if init == "npz":
        n = load_npz_into(features, npz_path)
        assert n >= 51, n
        return dict(KERAS_NORM)
    if init == "torchvision":
        w = torchvision.models.MobileNet_V2_Weights.IMAGENET1K_V1
        src = torchvision.models.mobilenet_v2(weights=w).features
        features.load_state_dict(src.state_dict())
        return dict(TORCHVISION_NORM)
    # from scratch (smoke tests): variance-preserving init so activations do not vanish in tiny nets
    for m in features.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
    return dict(KERAS_NORM)


def set_bn_eval(module):
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()


def bn_identity_on(features, batches):
    """Re-parameterise every batch norm of `features` (folded: mean 0, var 1, weight 1) so that, with the
    statistics of its input over `batches` (normalised images), it is the identity on that data in train and in
    eval mode: running mean/var = the input's, weight = its standard deviation, bias += its mean. The layers can
    then train on batch statistics without the first steps destroying the ImageNet features."""
    bns = [m for m in features.modules() if isinstance(m, nn.BatchNorm2d)]
    sums = {id(m): [0.0, 0.0, 0] for m in bns}

    def hook(m, inp, _out):
        x = inp[0].detach().double()
        acc = sums[id(m)]
        acc[0] = acc[0] + x.sum(dim=(0, 2, 3))
        acc[1] = acc[1] + (x * x).sum(dim=(0, 2, 3))
        acc[2] += x.shape[0] * x.shape[2] * x.shape[3]

    was_training = features.training
    features.eval()
    handles = [m.register_forward_hook(hook) for m in bns]
    with torch.no_grad():
        for x in batches:
            features(x)
    for h in handles:
        h.remove()
    with torch.no_grad():
        for m in bns:
            s1, s2, n = sums[id(m)]
            mean = s1 / n
            var = (s2 / n - mean * mean).clamp(min=0.0)
            m.running_mean.copy_(mean.float())
            m.running_var.copy_(var.float())
            m.weight.copy_(torch.sqrt(var + m.eps).float())
            m.bias.add_(mean.float())
    features.train(was_training)
    return len(bns)


def freeze_bn_affine(module, freeze):
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.requires_grad_(not freeze)


# --------------------------------------------------------------------------- classifier
class Classifier(nn.Module):
    def __init__(self, num_classes=1, tiny=False, hidden=512, dropout=0.5):
        super().__init__()
        # tiny classifier: stride 16 (not 32) so 32x32 inputs keep spatial signal
        self.features, c = make_backbone(tiny, TINY_SETTING[:4])
        self.feat_dim = c
        hidden = 16 if tiny else hidden
        self.top = nn.Sequential(
            nn.Linear(c, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes))

    def bottleneck(self, x):
        return self.features(x).mean(dim=(2, 3))

    def forward(self, x):
        return self.top(self.bottleneck(x))


# --------------------------------------------------------------------------- segmenter
class DecoderBlock(nn.Module):
    """concat(upsampled, skip) -> 1x1 -> dw 3x3 -> 1x1 (each BN+ReLU): light, MobileNet style."""

    def __init__(self, cin, cout):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, groups=cout, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    def forward(self, x):
        return self.body(x)


class UNetMNV2(nn.Module):
    """MobileNetV2 encoder (features[:-1], the 1280 conv dropped) + U-Net decoder with skips at
    strides 2, 4, 8, 16; logits predicted at stride 2 and upsampled x2 (bilinear) in the graph.
    Input H, W must be multiples of 32."""

    def __init__(self, tiny=False, dec=(96, 64, 48, 32)):
        super().__init__()
        feats, _ = make_backbone(tiny)
        self.features = feats[:-1]
        if tiny:
            dec = (16, 12, 8, 8)
        # find the last block at each stride (2, 4, 8, 16) and the bottom (32)
        with torch.no_grad():
            x = torch.zeros(1, 3, 64, 64)
            taps, sizes, chans = {}, [], []
            for i, m in enumerate(self.features):
                x = m(x)
                taps[x.shape[-1]] = i
                chans.append(x.shape[1])
            order = sorted(taps.items(), key=lambda kv: -kv[0])   # 32 (stride2), 16, 8, 4, 2 (stride32)
        self.skip_idx = [i for _, i in order[:4]]
        skip_ch = [chans[i] for i in self.skip_idx]
        bottom_ch = chans[-1]
        blocks = []
        cin = bottom_ch
        for k, cout in enumerate(dec):
            blocks.append(DecoderBlock(cin + skip_ch[3 - k], cout))
            cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Conv2d(cin, 1, 1)

    def forward(self, x):
        skips = []
        for i, m in enumerate(self.features):
            x = m(x)
            if i in self.skip_idx:
                skips.append(x)
        for k, blk in enumerate(self.blocks):
            x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
            x = blk(torch.cat([x, skips[3 - k]], dim=1))
        x = self.head(x)
        return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


# --------------------------------------------------------------------------- cost
def count_macs(model, shape):
    """Multiply-accumulates of convolutions and linear layers for one image of `shape` (C,H,W);
    upsampling and element-wise ops are not counted."""
    macs = [0]
    hooks = []

    def conv_hook(m, inp, out):
        macs[0] += out.numel() // out.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def lin_hook(m, inp, out):
        macs[0] += m.in_features * m.out_features

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(lin_hook))
    was = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    model.train(was)
    for h in hooks:
        h.remove()
    params = sum(p.numel() for p in model.parameters())
    return int(macs[0]), int(params)
