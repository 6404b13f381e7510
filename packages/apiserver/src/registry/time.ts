// The server's timestamps: RFC 3339 to the second, as Kubernetes writes them (creationTimestamp,
// deletionTimestamp, Event times). Formatted once per second, not per write.
let second = -1;
let formatted = '';

export function now(): string {
  const s = Math.floor(Date.now() / 1000);
  if (s !== second) {
    second = s;
    formatted = new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return formatted;
}
