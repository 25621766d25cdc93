/**
 * DICOMweb: the clinic's PACS as an outbox {@link org.melanoscreen.outbox.Destination}. Each stored screening goes
 * as the DICOM object {@link org.melanoscreen.export.dicom.DicomExporter} makes of it (the same UIDs on every
 * resend) by STOW-RS over HTTP or HTTPS with {@code java.net.http}, with the settings the {@code pacs.*} keys give.
 */
package org.melanoscreen.export.dicomweb;
