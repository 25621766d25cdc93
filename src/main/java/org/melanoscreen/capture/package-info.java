/**
 * Frame sources for the appliance: a USB dermatoscope ({@link org.melanoscreen.capture.CameraSource}), a folder
 * of images ({@link org.melanoscreen.capture.FolderSource}) and a simulated dermatoscope
 * ({@link org.melanoscreen.capture.SimulatedDermatoscope}), all behind
 * {@link org.melanoscreen.capture.FrameSource} and built from configuration by
 * {@link org.melanoscreen.capture.SourceFactory}.
 */
package org.melanoscreen.capture;
