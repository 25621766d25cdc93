/**
 * What every settings record shares: the {@link org.melanoscreen.settings.Range} of values a numeric setting may
 * take, the configuration {@link org.melanoscreen.settings.Key}s each record declares with its defaults and help,
 * and the checked {@link org.melanoscreen.settings.Values} a record builds itself from. Each record declares its
 * own keys and ranges; the configuration file and the command-line options check values against those same
 * declarations, so a key, a default and a limit are written once. Depends on nothing else in the project.
 */
package org.melanoscreen.settings;
