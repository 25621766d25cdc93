package org.melanoscreen.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {
    @TempDir
    Path dir;

    /** An id that cannot be a file name here (a NUL byte anywhere, an unmappable character under LANG=C). */
    @Test
    void anImageIdThatCannotBeAFileNameIsOneProblemNotACrash() throws Exception {
        Files.writeString(dir.resolve("labels.csv"), "image_id,melanoma\nok_1,0\nbad\u0000id,1\nok_2,1\n");
        Dataset d = Dataset.read(dir, null);
        assertEquals(List.of("ok_1", "ok_2"), d.items().stream().map(Dataset.Item::id).toList());
        assertEquals(1, d.problems().size());
        assertTrue(d.problems().get(0).startsWith(dir.resolve("labels.csv") + " line 3: image id 'bad"),
                d.problems().get(0));
        assertTrue(d.problems().get(0).contains("cannot be a file name on this system"), d.problems().get(0));
    }
}
