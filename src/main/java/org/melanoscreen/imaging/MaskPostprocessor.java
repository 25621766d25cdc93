package org.melanoscreen.imaging;

/**
 * Turns a lesion probability map into the lesion mask as {@code models/CONTRACT.md} defines it:
 * threshold, keep the largest 8-connected component (the first met in row-major order on a tie), then fill
 * holes (background not 4-connected to the border). Given logits and the logit at which the sigmoid reaches the
 * threshold, it makes the same mask. It also tells the size of the largest component it dropped, so that a second
 * lesion in view is not silently ignored.
 */
public final class MaskPostprocessor {
    private final float threshold;
    private final boolean largestComponent;
    private final boolean fillHoles;

    public MaskPostprocessor(float threshold, boolean largestComponent, boolean fillHoles) {
        this.threshold = threshold;
        this.largestComponent = largestComponent;
        this.fillHoles = fillHoles;
    }

    /**
     * The mask and the area (pixels, before hole filling) of the largest component that was dropped, 0 when there
     * was none or when only the largest component is not asked for.
     */
    public record Components(BinaryMask mask, int droppedArea) {
    }

    public BinaryMask apply(float[] probabilities, int width, int height) {
        return applyCounting(probabilities, width, height).mask();
    }

    public Components applyCounting(float[] probabilities, int width, int height) {
        byte[] mask = new byte[width * height];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = probabilities[i] >= threshold ? (byte) 1 : 0;
        }
        int[] stack = new int[mask.length];
        int dropped = largestComponent ? keepLargestComponent(mask, width, height, stack) : 0;
        if (fillHoles) {
            fillHoles(mask, width, height, stack);
        }
        return new Components(new BinaryMask(width, height, mask), dropped);
    }

    /** Keeps the largest component; returns the size of the largest one removed. */
    private static int keepLargestComponent(byte[] mask, int width, int height, int[] stack) {
        int[] labels = new int[mask.length];
        int best = 0;
        int bestSize = 0;
        int secondSize = 0;
        int label = 0;
        for (int start = 0; start < mask.length; start++) {
            if (mask[start] == 0 || labels[start] != 0) {
                continue;
            }
            label++;
            int size = flood(mask, labels, width, height, start, label, stack);
            if (size > bestSize) {
                secondSize = bestSize;
                bestSize = size;
                best = label;
            } else {
                secondSize = Math.max(secondSize, size);
            }
        }
        for (int i = 0; i < mask.length; i++) {
            mask[i] = labels[i] == best && best != 0 ? (byte) 1 : 0;
        }
        return secondSize;
    }

    /** Labels the 8-connected foreground component containing {@code start}; returns its size. */
    private static int flood(byte[] mask, int[] labels, int width, int height, int start, int label, int[] stack) {
        int top = 0;
        stack[top++] = start;
        labels[start] = label;
        int size = 0;
        while (top > 0) {
            int p = stack[--top];
            size++;
            int x = p % width;
            int y = p / width;
            for (int dy = -1; dy <= 1; dy++) {
                int ny = y + dy;
                if (ny < 0 || ny >= height) {
                    continue;
                }
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx;
                    if (nx < 0 || nx >= width) {
                        continue;
                    }
                    int q = ny * width + nx;
                    if (mask[q] != 0 && labels[q] == 0) {
                        labels[q] = label;
                        stack[top++] = q;
                    }
                }
            }
        }
        return size;
    }

    private static void fillHoles(byte[] mask, int width, int height, int[] stack) {
        boolean[] outside = new boolean[mask.length];
        int top = 0;
        for (int x = 0; x < width; x++) {
            top = seed(mask, outside, x, stack, top);
            top = seed(mask, outside, (height - 1) * width + x, stack, top);
        }
        for (int y = 0; y < height; y++) {
            top = seed(mask, outside, y * width, stack, top);
            top = seed(mask, outside, y * width + width - 1, stack, top);
        }
        while (top > 0) {
            int p = stack[--top];
            int x = p % width;
            int y = p / width;
            if (x > 0) {
                top = seed(mask, outside, p - 1, stack, top);
            }
            if (x < width - 1) {
                top = seed(mask, outside, p + 1, stack, top);
            }
            if (y > 0) {
                top = seed(mask, outside, p - width, stack, top);
            }
            if (y < height - 1) {
                top = seed(mask, outside, p + width, stack, top);
            }
        }
        for (int i = 0; i < mask.length; i++) {
            if (!outside[i]) {
                mask[i] = 1;
            }
        }
    }

    private static int seed(byte[] mask, boolean[] outside, int p, int[] stack, int top) {
        if (mask[p] == 0 && !outside[p]) {
            outside[p] = true;
            stack[top++] = p;
        }
        return top;
    }
}
