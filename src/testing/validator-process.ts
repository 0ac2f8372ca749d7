/**
 * Starts the validator exactly as `npm start` does (after its build step), on free ports and a fresh
 * data dir, and stops it by the PID it started.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ValidatorProcess {
  url: string
  pid: number
  dataDir: string
  output(): string
  /** SIGTERM, then the data dir is removed unless it was given. */
  stop(): Promise<void>
  /** SIGKILL: a crash. The data dir stays. */
  kill(): Promise<void>
}

export interface ValidatorProcessOptions {
  /** An existing data dir (a restart); a fresh one, removed on stop, when omitted. */
  dataDir?: string
  /** libp2p listen address; a free loopback port when omitted. */
  listen?: string
  httpPort?: number
}

export async function startValidatorProcess(
  args: string[] = [],
  options: ValidatorProcessOptions = {},
): Promise<ValidatorProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-e2e-'))
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/validator/cli.ts',
      '--http-port',
      String(options.httpPort ?? 0),
      '--listen',
      options.listen ?? '/ip4/127.0.0.1/tcp/0/ws',
      '--data-dir',
      dataDir,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`validator did not start:\n${output}`)), 60_000)
    const check = () => {
      const match = /Open (\S+) to contribute/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => reject(new Error(`validator exited with ${code}:\n${output}`)))
  })
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode != null || child.signalCode != null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    await exited
  }
  return {
    url,
    pid: child.pid!,
    dataDir,
    output: () => output,
    async stop() {
      await end('SIGTERM')
      if (options.dataDir == null) rmSync(dataDir, { recursive: true, force: true })
    },
    kill: () => end('SIGKILL'),
  }
}
