// The one error the analyze command raises for bad input. It is a CommanderError with exit code 2,
// so `runCli` (which maps a CommanderError with a non-zero code to exit code 2) exits with 2; the
// command prints the message itself before throwing, because runCli prints nothing for these.
import { CommanderError } from 'commander';

export class AnalyzeInputError extends CommanderError {
  constructor(message: string) {
    super(2, 'guanxi.analyze.input', message);
    this.name = 'AnalyzeInputError';
  }
}

/** "row 12, column "InvoiceDate": …" — rows are numbered as in the file (header = row 1). */
export function rowError(row: number, column: string, what: string): AnalyzeInputError {
  return new AnalyzeInputError(`row ${row}, column "${column}": ${what}`);
}
