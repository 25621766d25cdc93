"""A minimal ONNX interpreter (torch ops, float32) for the operators our exported graphs use.

There is no onnxruntime here; this lets the evaluation command and the smoke test run the shipped
model.onnx files themselves (not the PyTorch modules they came from). Unknown operators raise."""
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxModel:
    def __init__(self, path):
        self.model = onnx.load(path)
        onnx.checker.check_model(self.model)
        g = self.model.graph
        self.inits = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
        self.input_names = [i.name for i in g.input if i.name not in self.inits]
        self.output_names = [o.name for o in g.output]
        self.nodes = list(g.node)

    def input_shape(self):
        i = [x for x in self.model.graph.input if x.name == self.input_names[0]][0]
        return [d.dim_value if d.HasField("dim_value") else -1 for d in i.type.tensor_type.shape.dim]

    def output_shape(self):
        o = self.model.graph.output[0]
        return [d.dim_value if d.HasField("dim_value") else -1 for d in o.type.tensor_type.shape.dim]

    def output_shapes(self):
        return {o.name: [d.dim_value if d.HasField("dim_value") else -1 for d in o.type.tensor_type.shape.dim]
                for o in self.model.graph.output}

    def run(self, x):
        """The graph's first output for input x."""
        return self.run_all(x)[self.output_names[0]]

    @torch.no_grad()
    def run_all(self, x):
        """{output name: tensor} for every graph output."""
        env = dict(self.inits)
        env[self.input_names[0]] = torch.as_tensor(x, dtype=torch.float32)
        for n in self.nodes:
            ins = [env[i] if i else None for i in n.input]
            outs = self._op(n, ins)
            for name, v in zip(n.output, outs):
                env[name] = v
        return {name: env[name] for name in self.output_names}

    def _op(self, n, ins):
        a = _attrs(n)
        t = n.op_type
        if t == "Conv":
            w = ins[1]
            b = ins[2] if len(ins) > 2 else None
            pads = a.get("pads", [0, 0, 0, 0])
            x = ins[0]
            if pads[0] != pads[2] or pads[1] != pads[3]:
                x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
                pad = 0
            else:
                pad = (pads[0], pads[1])
            return [F.conv2d(x, w, b, stride=tuple(a.get("strides", [1, 1])), padding=pad,
                             dilation=tuple(a.get("dilations", [1, 1])), groups=a.get("group", 1))]
        if t == "BatchNormalization":
            x, s, b, m, v = ins
            return [F.batch_norm(x, m, v, s, b, False, 0.0, a.get("epsilon", 1e-5))]
        if t == "Relu":
            return [torch.relu(ins[0])]
        if t == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min")
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max")
            lo = float(lo) if lo is not None else None
            hi = float(hi) if hi is not None else None
            return [torch.clamp(ins[0], lo, hi)]
        if t == "Sigmoid":
            return [torch.sigmoid(ins[0])]
        if t == "Add":
            return [ins[0] + ins[1]]
        if t == "Sub":
            return [ins[0] - ins[1]]
        if t == "Mul":
            return [ins[0] * ins[1]]
        if t == "Div":
            return [ins[0] / ins[1]]
        if t == "Concat":
            return [torch.cat(ins, dim=a["axis"])]
        if t == "GlobalAveragePool":
            return [ins[0].mean(dim=(2, 3), keepdim=True)]
        if t == "ReduceMean":
            axes = a.get("axes")
            if axes is None and len(ins) > 1 and ins[1] is not None:
                axes = [int(v) for v in ins[1]]
            return [ins[0].mean(dim=tuple(axes), keepdim=bool(a.get("keepdims", 1)))]
        if t == "Flatten":
            ax = a.get("axis", 1)
            return [ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)]
        if t == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.t()
            if a.get("transB", 0):
                B = B.t()
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
            return [y]
        if t == "MatMul":
            return [ins[0] @ ins[1]]
        if t == "Constant":
            return [torch.from_numpy(numpy_helper.to_array(a["value"]).copy())]
        if t == "Identity":
            return [ins[0]]
        if t == "Shape":
            return [torch.tensor(list(ins[0].shape), dtype=torch.int64)]
        if t == "Gather":
            return [torch.index_select(ins[0], a.get("axis", 0), ins[1].reshape(-1).long()).reshape(
                list(ins[0].shape[:a.get("axis", 0)]) + list(ins[1].shape) + list(ins[0].shape[a.get("axis", 0) + 1:]))]
        if t == "Unsqueeze":
            axes = a.get("axes") or [int(v) for v in ins[1]]
            y = ins[0]
            for ax in sorted(axes):
                y = y.unsqueeze(ax)
            return [y]
        if t == "Cast":
            return [ins[0].to({1: torch.float32, 7: torch.int64, 6: torch.int32}[a["to"]])]
        if t == "Reshape":
            return [ins[0].reshape([int(v) for v in ins[1]])]
        if t == "Resize":
            mode = a.get("mode", b"nearest")
            mode = mode.decode() if isinstance(mode, bytes) else mode
            ctm = a.get("coordinate_transformation_mode", b"half_pixel")
            ctm = ctm.decode() if isinstance(ctm, bytes) else ctm
            assert mode == "linear" and ctm in ("half_pixel", "pytorch_half_pixel"), (mode, ctm)
            x = ins[0]
            sizes = ins[3] if len(ins) > 3 and ins[3] is not None and ins[3].numel() else None
            if sizes is not None:
                size = [int(v) for v in sizes[2:]]
            else:
                sc = [float(v) for v in ins[2]]
                size = [int(np.floor(x.shape[2] * sc[2])), int(np.floor(x.shape[3] * sc[3]))]
                if sc[2] == sc[3] and float(sc[2]).is_integer():
                    return [F.interpolate(x, scale_factor=sc[2], mode="bilinear", align_corners=False)]
            return [F.interpolate(x, size=size, mode="bilinear", align_corners=False)]
        raise NotImplementedError("ONNX op %s not supported by onnxrun" % t)


def op_types(path):
    return sorted({n.op_type for n in onnx.load(path).graph.node})
