#!/usr/bin/env node
// The entry point: enable V8's compile cache where Node has it (22.1+), then
// hand over to the compiled CLI. Only this file calls process.exit.
import module from 'node:module';

module.enableCompileCache?.();
// Ctrl-C before a lab has started (nothing to stop yet) leaves at once, with
// the usual 130. Once the CLI installs its own handler (src/cli/signals.ts),
// this one stands aside.
const early = () => {
  if (process.listenerCount('SIGINT') <= 1 && process.listenerCount('SIGTERM') <= 1) process.exit(130);
};
process.on('SIGINT', early);
process.on('SIGTERM', early);
let main;
try {
  ({ main } = await import('../dist/src/cli/main.js'));
} catch (e) {
  process.stderr.write(`conc: not built (${e.code ?? e.message}); run "npm install" or "npm run build" first\n`);
  process.exit(1);
}
const code = await main(process.argv.slice(2));
// Let stdout drain (a pipe to a slow reader) before leaving. If a lab's thread
// is stuck in native code, process.exit would wait for it forever: leave
// through the hard exit instead (src/hosts/hard-exit.ts).
const { stuckThreads, hardExit } = await import('../dist/src/hosts/hard-exit.js');
process.stdout.write('', () => (stuckThreads() > 0 ? hardExit(code) : process.exit(code)));
