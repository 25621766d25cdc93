/**
 * The appliance's own hardware: indicator lights, trigger button and status display, each behind a small
 * interface with Pi4J, console and PNG implementations. {@link org.melanoscreen.device.Hardware} builds the
 * configured set; {@link org.melanoscreen.device.DeviceListener} drives it from the appliance's events.
 * A failing lamp or display is logged once and retried; it never stops screening.
 */
package org.melanoscreen.device;
