// Step-by-step progress with timings. A step that fails names itself, the log file to read and the
// fix; `timings` are what the benchmark reports as each step's share.
export class StepError extends Error {
  constructor(
    message: string,
    /** the log file to read */
    readonly log?: string,
    /** what to do about it */
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** A failed step: its name, how long it ran, and the StepError's log and fix. */
export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly seconds: number,
    readonly reason: Error,
  ) {
    super(`step "${step}" failed after ${seconds.toFixed(1)} s: ${reason.message}`);
    this.name = 'StepFailed';
  }

  /** The message for people: the step, the cause, the log to read and the fix. */
  explain(): string {
    const lines = [this.message];
    if (this.reason instanceof StepError) {
      if (this.reason.log) lines.push(`  log: ${this.reason.log}`);
      if (this.reason.fix) lines.push(`  fix: ${this.reason.fix}`);
    }
    return lines.join('\n');
  }
}

/** What `npm start` prints on stderr when `up` fails: the step's explanation (else the error), then what to do next. */
export function startFailureMessage(e: unknown): string {
  const what = e instanceof StepFailed ? e.explain() : e instanceof Error ? e.message : String(e);
  return [`skiff start: ${what}`, 'skiff start: what runs stays running; npm start again continues, npm stop removes it all'].join('\n') + '\n';
}

export interface StepTiming {
  step: string;
  seconds: number;
}

export class Progress {
  readonly timings: StepTiming[] = [];
  private readonly t0 = performance.now();

  constructor(private readonly out: (line: string) => void) {}

  /** Runs one step; `f` returns what to print beside the step's time. */
  async step<T>(name: string, what: string, f: () => Promise<{ value: T; detail: string }>): Promise<T> {
    this.out(`${name}: ${what}`);
    const start = performance.now();
    try {
      const { value, detail } = await f();
      const seconds = (performance.now() - start) / 1000;
      this.timings.push({ step: name, seconds });
      this.out(`${name}: ${detail} (${seconds.toFixed(1)} s)`);
      return value;
    } catch (e) {
      throw new StepFailed(name, (performance.now() - start) / 1000, e as Error);
    }
  }

  totalSeconds(): number {
    return (performance.now() - this.t0) / 1000;
  }
}
