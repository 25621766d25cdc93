/**
 * The command line (picocli): {@code run}, {@code screen}, {@code eval}, {@code bench}, {@code camera},
 * {@code results}, {@code selftest}, {@code synth}; the configuration ({@link org.melanoscreen.app.ServiceConfig}
 * joins the keys the settings records declare, reads the file and {@code --set}), and the wiring of the other
 * packages into the service ({@link org.melanoscreen.app.ServiceWiring}). The only package that reads options and
 * prints for people.
 */
package org.melanoscreen.app;
