package org.melanoscreen.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One test-time view of a classifier's normalised input ({@code models/CONTRACT.md}, "Test-time augmentation"):
 * which input pixel each output pixel {@code out[y][x]} of an h x w plane takes. The rotations and transposes need a
 * square input.
 */
public enum TtaView {
    IDENTITY("identity", false) {
        @Override
        int source(int y, int x, int h, int w) {
            return y * w + x;
        }
    },
    HFLIP("hflip", false) {
        @Override
        int source(int y, int x, int h, int w) {
            return y * w + (w - 1 - x);
        }
    },
    VFLIP("vflip", false) {
        @Override
        int source(int y, int x, int h, int w) {
            return (h - 1 - y) * w + x;
        }
    },
    ROT180("rot180", false) {
        @Override
        int source(int y, int x, int h, int w) {
            return (h - 1 - y) * w + (w - 1 - x);
        }
    },
    ROT90("rot90", true) {
        @Override
        int source(int y, int x, int h, int w) {
            return x * w + (w - 1 - y);
        }
    },
    ROT270("rot270", true) {
        @Override
        int source(int y, int x, int h, int w) {
            return (h - 1 - x) * w + y;
        }
    },
    TRANSPOSE("transpose", true) {
        @Override
        int source(int y, int x, int h, int w) {
            return x * w + y;
        }
    },
    TRANSVERSE("transverse", true) {
        @Override
        int source(int y, int x, int h, int w) {
            return (h - 1 - x) * w + (w - 1 - y);
        }
    };

    private final String manifestName;
    private final boolean squareOnly;

    TtaView(String manifestName, boolean squareOnly) {
        this.manifestName = manifestName;
        this.squareOnly = squareOnly;
    }

    /** The index in an h x w plane (row-major) of the input pixel that output pixel (y, x) takes. */
    abstract int source(int y, int x, int h, int w);

    /**
     * For every output pixel of an h x w plane, in row-major order, the index of the input pixel it takes: made once
     * per model, so a view is one index copy per plane.
     */
    int[] sourceIndices(int h, int w) {
        if (squareOnly && h != w) {
            throw new IllegalArgumentException(manifestName + " needs a square input, not " + w + "x" + h);
        }
        int[] indices = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                indices[y * w + x] = source(y, x, h, w);
            }
        }
        return indices;
    }

    public String manifestName() {
        return manifestName;
    }

    public boolean squareOnly() {
        return squareOnly;
    }

    /**
     * The views of a manifest's {@code input.tta} section for an input of {@code height x width}, as CONTRACT.md
     * allows them (known views, the identity first, rotations and transposes on a square input only, combined by
     * mean probability); a section that does not is {@code error}'s exception, given the reason.
     */
    static List<TtaView> fromManifest(JsonNode tta, int height, int width, Function<String, ModelException> error)
            throws ModelException {
        if (!"mean_probability".equals(tta.path("combine").asText())) {
            throw error.apply("input.tta.combine must be mean_probability");
        }
        JsonNode names = tta.get("views");
        if (names == null || !names.isArray() || names.isEmpty()) {
            throw error.apply("input.tta.views must be a non-empty array of view names");
        }
        List<TtaView> views = new ArrayList<>();
        for (JsonNode name : names) {
            TtaView view = Arrays.stream(values()).filter(v -> name.isTextual() && v.manifestName.equals(name.asText()))
                    .findFirst().orElseThrow(() -> error.apply("input.tta.views: unknown view " + name + " (known: "
                            + Arrays.stream(values()).map(TtaView::manifestName).toList() + ")"));
            if (view.squareOnly && height != width) {
                throw error.apply("input.tta.views: " + view.manifestName + " needs a square input, not " + width
                        + "x" + height);
            }
            views.add(view);
        }
        if (views.get(0) != IDENTITY) {
            throw error.apply("input.tta.views must start with identity");
        }
        return List.copyOf(views);
    }
}
