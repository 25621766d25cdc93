package org.melanoscreen.model;

import org.melanoscreen.imaging.BinaryMask;

/**
 * What the segmenter found: the lesion mask at the model's resolution, the area (mask pixels) of the largest other
 * lesion-like component the post-processing dropped, and the segmenter's mean confidence inside the mask (NaN when
 * empty).
 */
public record Segmentation(BinaryMask mask, int otherComponentArea, double confidence) {
}
