/** `conc lab all`: placeholder until the suite runner lands (issue: suites, CI use and compare). */
import { UsageError } from '../../core/errors.js';

export async function suiteCommand(_args: string[]): Promise<number> {
  throw new UsageError('conc lab all is not available yet; run the labs one by one (conc list)');
}
