/**
 * DICOM Part 10 objects of stored screenings: a small writer of explicit VR little endian files
 * ({@link org.melanoscreen.export.dicom.DicomDataset}, {@link org.melanoscreen.export.dicom.Part10File}), the
 * Dermoscopic Photography (or VL Photographic) Image it fills from a screening
 * ({@link org.melanoscreen.export.dicom.ScreeningImage}) and the settings it takes from the configuration.
 */
package org.melanoscreen.export.dicom;
