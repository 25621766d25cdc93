package org.melanoscreen.outbox;

import org.melanoscreen.store.StoredScreening;

/** A destination for tests whose send is a lambda and whose check always passes. */
public final class TestDestination implements Destination {
    /** What sending does. */
    @FunctionalInterface
    public interface Send {
        void send(StoredScreening s) throws DeliveryException;
    }

    private final String name;
    private final Send send;

    private TestDestination(String name, Send send) {
        this.name = name;
        this.send = send;
    }

    public static Destination of(String name, Send send) {
        return new TestDestination(name, send);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(StoredScreening s) throws DeliveryException {
        send.send(s);
    }

    @Override
    public void check() {
    }
}
