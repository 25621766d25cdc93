package org.melanoscreen.store;

import java.util.Map;

/**
 * What an export writes for each screening instead of copies of its stored files, such as one DICOM object: the
 * store still checks the target, builds the export beside it, salvages a damaged index, writes the index files and
 * audits the export; a converter only turns one screening into files.
 */
@FunctionalInterface
public interface ExportConverter {
    /**
     * The files for {@code screening}, by name (1 to 100 letters, digits, '.', '_' or '-'), written at the top of
     * the export folder; a screening that cannot be converted throws, is named in the export's problems and the
     * others carry on.
     *
     * @param stored reads one of the screening's stored files, checked against the SHA-256 committed with it
     */
    Map<String, byte[]> convert(StoredScreening screening, StoredFiles stored) throws StoreException;

    /** The stored files of one screening, each read whole and checked. */
    @FunctionalInterface
    interface StoredFiles {
        byte[] read(String name) throws StoreException;
    }
}
