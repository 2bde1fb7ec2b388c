/**
 * How messages on both sides show a user's text: a cell's value or a column's name, printable and
 * on one line whatever the file held.
 */

/** Short, printable rendering of a user value for messages: quoted, truncated. */
export function quoteValue(v: string, max = 40): string {
  const s = v.length > max ? `${v.slice(0, max - 1)}…` : v;
  return JSON.stringify(s);
}

/**
 * A column name as a message shows it: as it is when it is plain printable text, else quoted with
 * its escapes visible (empty, control characters such as a newline inside a quoted header, a comma
 * that would read as the list's separator, spaces at either end, or longer than 40 characters), so
 * that an error stays one line and each name reads as one.
 */
export function columnLabel(name: string): string {
  return name.length > 0 && name.length <= 40 && !/[\p{C},"]|^\s|\s$/u.test(name) ? name : quoteValue(name);
}

/** Column names for a message, each as columnLabel shows it, separated by commas. */
export function columnList(names: readonly string[]): string {
  return names.map(columnLabel).join(', ');
}
