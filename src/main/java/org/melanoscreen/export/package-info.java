/**
 * Exports of stored screenings, each one {@link org.melanoscreen.export.ScreeningExporter}: the USB folder export
 * ({@link org.melanoscreen.export.FolderExporter}) and DICOM objects for an archive
 * ({@link org.melanoscreen.export.dicom.DicomExporter}). The store keeps the export rules (where a target may be,
 * built beside it and renamed into place, salvage, audit); an exporter only says what each screening becomes.
 */
package org.melanoscreen.export;
