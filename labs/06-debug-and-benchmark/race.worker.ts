/** A bank clerk thread (clerk.ts), running the bank's own code. */
import { BANK, serveClerk } from './clerk.js';

serveClerk(BANK);
