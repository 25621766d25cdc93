package org.melanoscreen.capture;

import java.util.List;

/**
 * A V4L2 device node as sysfs describes it.
 *
 * @param node         the device node, such as {@code /dev/video0}
 * @param name         the driver's name for it, such as {@code HD USB Camera}
 * @param deviceNumber major:minor
 * @param index        the node's index within its device: UVC cameras have a capture node (0) and a metadata
 *                     node (1); -1 when sysfs does not say
 * @param links        stable udev names for it under /dev/v4l/by-id and /dev/v4l/by-path
 */
public record VideoDeviceInfo(String node, String name, String deviceNumber, int index, List<String> links) {
}
