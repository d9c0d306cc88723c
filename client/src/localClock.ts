/**
 * The user's local wall-clock time as the daily-note and template requests send it (`YYYY-MM-DDTHH:mm:ss`, no
 * offset): the server formats dates from these digits, so a note is named by the user's day, whatever the
 * server's time zone. Free of the `vscode` module so that it is testable in plain Node.
 */
export function localClock(date: Date = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(date.getFullYear()).padStart(4, '0')}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
