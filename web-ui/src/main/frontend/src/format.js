// Small formatting helpers for people.

const numberFormat = new Intl.NumberFormat('en-US');

export function count(n) {
  return numberFormat.format(n ?? 0);
}

/** "12s ago", "5m ago", "3h ago" from an ISO time. */
export function ago(isoTime, now = Date.now()) {
  if (!isoTime) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(isoTime)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

/** The number in a node agent's "lost N samples" warning, or 0. */
export function lostSamples(event) {
  if (event.type !== 'warn' || typeof event.message !== 'string') return 0;
  const match = event.message.match(/^lost (\d+) samples?/);
  return match ? Number(match[1]) : 0;
}
