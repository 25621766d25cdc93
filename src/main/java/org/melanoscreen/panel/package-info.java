/**
 * The appliance's front panel (called the panel here, so that "device" means the whole appliance, as in the
 * {@code device.id} key): indicator lights, trigger button, buzzer and status display, each behind a small
 * interface with Pi4J, console and PNG implementations. {@link org.melanoscreen.panel.Hardware} builds the
 * configured set; {@link org.melanoscreen.panel.PanelListener} drives it from the appliance's events.
 * A failing lamp or display is logged once and retried; it never stops screening. It only watches the appliance:
 * nothing here touches the store, the models or the screening.
 */
package org.melanoscreen.panel;
