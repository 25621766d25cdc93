/**
 * The appliance's state machine (BOOTING, SELF_TEST, READY, CAPTURING, ANALYSING, RESULT, FAULT):
 * {@link org.melanoscreen.workflow.Appliance} holds the states and events only; its
 * {@link org.melanoscreen.workflow.Equipment} (models, camera, store, retention), the burst's analysis
 * ({@link org.melanoscreen.workflow.BurstAnalyser}), the stored record ({@link org.melanoscreen.workflow.Archiver})
 * and auto-capture are classes of their own. It screens through {@code analysis}, stores each result before it is
 * shown, and FAULTs with a reason when the camera, the models or the storage cannot be trusted. Listeners (front
 * panel, console, systemd) only watch it; it knows nothing of the command line or the configuration file.
 */
package org.melanoscreen.workflow;
