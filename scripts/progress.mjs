// One line per step of `npm start`/`npm test` preparation: on a terminal a spinner with the
// elapsed seconds, replaced by the outcome when the step ends; elsewhere (CI logs, pipes) one
// line when it starts and one when it ends. Uses only Node built-ins: it runs before installing.
import { spawn } from 'node:child_process';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Runs `work` (a promise-returning function) as a step named `label`; resolves to its result. */
export async function step(label, work, stream = process.stderr) {
  const started = Date.now();
  const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
  let timer = null;
  if (stream.isTTY) {
    let frame = 0;
    const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label} (${seconds()})`);
    draw();
    timer = setInterval(draw, 100);
  } else {
    stream.write(`wardline: ${label}...\n`);
  }
  const end = (mark) => {
    if (timer !== null) clearInterval(timer);
    stream.write(`${stream.isTTY ? '\r\x1b[2K' : 'wardline: '}${mark} ${label} (${seconds()})\n`);
  };
  try {
    const result = await work();
    end('✓');
    return result;
  } catch (error) {
    end('✗');
    throw error;
  }
}

/**
 * Runs a command to completion; its output is kept and shown only if it fails, so a step stays
 * one line. Rejects with an error whose message is the command's exit status.
 */
export function quietly(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status === 0) return resolve();
      process.stderr.write(Buffer.concat(output));
      reject(new Error(`${command} exited with ${status}`));
    });
  });
}
