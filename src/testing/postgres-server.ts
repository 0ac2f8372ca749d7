/**
 * A throwaway PostgreSQL server for tests: Debian's binaries, a fresh cluster in a temp dir owned by
 * the `postgres` user (when run as root, as CI is), trust auth on loopback only, a free port, and a
 * stop() that ends it by its own pg_ctl. Fails with what to install when PostgreSQL is missing.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { freePort } from './test-support.ts'

export interface TestPostgres {
  /** postgres:// URL of a fresh database on the server. */
  url: string
  /** Another fresh database on the same server. */
  database(): string
  stop(): void
}

function binDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : []
  const found = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'pg_ctl')))
  if (found == null)
    throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (see .ci/run)')
  return found
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = binDir()
  const dir = mkdtempSync(join(tmpdir(), 'tessera-pg-'))
  const data = join(dir, 'data')
  // initdb refuses to run as root: the cluster belongs to `postgres` then.
  const asRoot = userInfo().uid === 0
  const run = (tool: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : join(bin, tool),
      asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args,
      {
        stdio: 'pipe',
      },
    )
  if (asRoot) {
    const { uid, gid } = postgresUser()
    chownSync(dir, uid, gid)
    chmodSync(dir, 0o700)
  }
  const port = await freePort()
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'tessera', '--no-sync'])
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ])
  let databases = 0
  const database = () => {
    const name = `t${++databases}`
    run('psql', [
      '-h',
      dir,
      '-p',
      String(port),
      '-U',
      'tessera',
      '-d',
      'postgres',
      '-qc',
      `CREATE DATABASE ${name}`,
    ])
    return `postgres://tessera@127.0.0.1:${port}/${name}`
  }
  return {
    url: database(),
    database,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim()
  const [, , uid, gid] = line.split(':')
  if (uid == null) throw new Error('no postgres user: apt-get install -y postgresql')
  return { uid: Number(uid), gid: Number(gid) }
}
