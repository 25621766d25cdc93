package org.melanoscreen.model;

import java.util.Arrays;
import java.util.List;

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

    /** The view a manifest names, or null for an unknown name. */
    static TtaView named(String name) {
        return Arrays.stream(values()).filter(v -> v.manifestName.equals(name)).findFirst().orElse(null);
    }

    static List<String> names() {
        return Arrays.stream(values()).map(TtaView::manifestName).toList();
    }
}
