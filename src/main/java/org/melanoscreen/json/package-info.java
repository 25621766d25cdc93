/**
 * The one JSON mapper ({@link org.melanoscreen.json.Json#MAPPER}) and the rounding every JSON schema of the
 * project uses. Each schema is built in one class of the package that owns it (a result: {@code analysis.ResultJson};
 * a stored screening: {@code store.StoredScreening}; a manifest and parity fixtures: {@code model}). Depends on
 * nothing else in the project.
 */
package org.melanoscreen.json;
