package org.melanoscreen.settings;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeTest {
    @Test
    void endsAreIncludedOrNotAsDeclared() {
        Range closed = Range.closed(0, 64);
        assertTrue(closed.contains(0) && closed.contains(64));
        assertFalse(closed.contains(-1) || closed.contains(65) || closed.contains(Double.NaN));
        Range aboveUpTo = Range.aboveUpTo(0, 1);
        assertFalse(aboveUpTo.contains(0));
        assertTrue(aboveUpTo.contains(1));
        Range between = Range.between(0, 1);
        assertFalse(between.contains(0) || between.contains(1));
        assertTrue(between.contains(0.18));
    }

    @Test
    void describesItselfAndNamesTheSettingWhenAValueFallsOutside() {
        assertEquals("from 0 to 64", Range.closed(0, 64).describe());
        assertEquals("above 0 and at most 1", Range.aboveUpTo(0, 1).describe());
        assertEquals("above 0 and below 1", Range.between(0, 1).describe());
        assertEquals("threads is 100000; it must be from 0 to 64", assertThrows(IllegalArgumentException.class,
                () -> Range.closed(0, 64).check("threads", 100_000)).getMessage());
        assertEquals("share is 1.5; it must be from 0 to 1", assertThrows(IllegalArgumentException.class,
                () -> Range.closed(0, 1).check("share", 1.5)).getMessage());
        assertEquals(0.25, Range.closed(0, 1).check("share", 0.25));
    }
}
