/**
 * Pixels: decoding files (with their integrity checked), frames and masks, mask post-processing, colour constancy,
 * hair removal and the generated images (lesions, frames without a lesion) that tests and the demo use instead of
 * patient images. It depends on OpenCV and on nothing else of the project.
 */
package org.melanoscreen.imaging;
