/** `npm run admin`: the terminal around admin-tool.ts (prompts without echo for the password). */
import { createInterface } from 'node:readline';
import { runAdminTool } from './admin-tool';

function prompt(question: string, secret: boolean): Promise<string> {
  if (!process.stdin.isTTY) return Promise.reject(new Error('no terminal to ask on: set WARDLINE_ADMIN_PASSWORD'));
  const reader = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (secret) {
    // Echo nothing of what is typed; the question itself is written before muting.
    process.stderr.write(question);
    (reader as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined;
  }
  return new Promise((resolve) => {
    reader.question(secret ? '' : question, (answer) => {
      reader.close();
      if (secret) process.stderr.write('\n');
      resolve(answer);
    });
  });
}

process.exitCode = await runAdminTool(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  prompt,
});
