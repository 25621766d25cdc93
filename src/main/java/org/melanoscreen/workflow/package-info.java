/**
 * The appliance's state machine (BOOTING, SELF_TEST, READY, CAPTURING, ANALYSING, RESULT, FAULT): capture bursts,
 * screen them through {@code analysis}, store each result before it is shown, and FAULT with a reason when the
 * camera, the models or the storage cannot be trusted. Listeners (front panel, console, systemd) only watch it.
 */
package org.melanoscreen.workflow;
