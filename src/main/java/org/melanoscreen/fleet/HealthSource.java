package org.melanoscreen.fleet;

/** What the device's health is now; called on the publisher's thread, so it must be safe to call from any thread. */
@FunctionalInterface
public interface HealthSource {
    HealthSnapshot snapshot();
}
