package org.melanoscreen.capture;

/** Time and sleeping, injectable so that back-off and frame pacing can be tested without waiting. */
public interface Ticker {
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    };

    long nanoTime();

    void sleep(long millis) throws InterruptedException;

    default long millis() {
        return nanoTime() / 1_000_000L;
    }
}
