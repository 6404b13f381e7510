/** A failure of the lab the user can act on (bad flag, conflicting subnet, a command that failed). */
export class LabError extends Error {
  override name = 'LabError';
}
