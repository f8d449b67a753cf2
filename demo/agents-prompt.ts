/**
 * Reading a new password for `demo/agents.ts`: from NATTER_AGENT_PASSWORD (scripts), else typed twice at a
 * terminal without echo, else the first line of stdin (`… | node demo/agents.ts add …`). Never printed.
 */

/** A failure the person at the terminal can fix: printed as it is, exit code 1. */
export class CliError extends Error {}

/** One line from a terminal in raw mode, nothing echoed. Ctrl-C or Ctrl-D cancels. */
function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(chars.join(''));
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new CliError('Cancelled; nothing changed.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else if (ch === '\u0015') chars = []; // Ctrl-U
        else if (ch >= ' ') chars.push(ch);
      }
    };
    stdin.on('data', onData);
  });
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export async function readNewPassword(fromEnvironment: string | undefined): Promise<string> {
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await readHidden('New password (at least 12 characters): ');
  const second = await readHidden('The same password again: ');
  if (first !== second) throw new CliError('The two passwords differ; nothing changed.');
  return first;
}
