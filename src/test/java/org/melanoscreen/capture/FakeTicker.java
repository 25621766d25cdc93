package org.melanoscreen.capture;

import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when something sleeps, recording every sleep. */
final class FakeTicker implements Ticker {
    final List<Long> sleeps = new ArrayList<>();
    private long nanos = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public void sleep(long millis) {
        sleeps.add(millis);
        advance(millis);
    }

    void advance(long millis) {
        nanos += millis * 1_000_000L;
    }
}
