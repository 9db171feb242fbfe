/**
 * The other end of the IPC experiment. Over the IPC channel (json or
 * advanced serialization) it counts the messages and the bytes of their data
 * and checks their order; on 'end' it sends its tally. Over a pipe (argv
 * 'pipe') it counts the bytes on stdin and writes the total to stdout at EOF.
 */
import type { IpcEnd, IpcTally, Payload } from './messages.js';

if (process.argv[2] === 'pipe') {
  let bytes = 0;
  process.stdin.on('data', (b: Buffer) => (bytes += b.length));
  process.stdin.on('end', () => process.stdout.write(`${bytes}\n`));
  process.stdout.write('ready\n');
} else {
  let messages = 0;
  let bytes = 0;
  let outOfOrder = 0;
  process.on('message', (m: Payload | IpcEnd) => {
    if ('type' in m) {
      process.send?.({ type: 'tally', messages, bytes, outOfOrder } satisfies IpcTally);
      messages = bytes = outOfOrder = 0;
      return;
    }
    if (m.seq !== messages) outOfOrder++;
    messages++;
    bytes += m.data.length;
  });
  process.on('disconnect', () => process.exit(0));
}
