/**
 * Who may submit jobs: bearer tokens. The validator makes an owner token at its first start (kept in
 * `<data dir>/owner.token`, mode 0600, printed once, like a notebook server's), and reads more from a
 * tokens file (`--job-tokens`: one `<name> <token>` per line, `#` comments). Tokens are kept only as
 * their sha256, so a lookup's timing says nothing about a token's bytes; a job records its token's
 * name, never the token.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'

export const OWNER_TOKEN_FILE = 'owner.token'
/** The owner token's name in jobs and logs. */
export const OWNER = 'owner'
/** At least 128 bits of a token: shorter ones in a tokens file are refused. */
const MIN_TOKEN_LENGTH = 22
const NAME = /^[A-Za-z0-9._-]{1,64}$/

/** A tokens file line that is not `<name> <token>` with a usable name and a long enough token. */
export class TokensFileError extends Error {
  static override name = 'TokensFileError'
  override name = 'TokensFileError'
}

export interface Tokens {
  /** The name of the token an `Authorization: Bearer <token>` header carries, if it is known. */
  authorize(header: string | undefined): string | undefined
  readonly names: readonly string[]
}

const digest = (token: string) => bytesToHex(sha256(new TextEncoder().encode(token)))

/** The owner token, made (and `created`) at the first start; the same one ever after. */
export async function ownerToken(dataDir: string): Promise<{ token: string; created: boolean }> {
  const path = join(dataDir, OWNER_TOKEN_FILE)
  try {
    return { token: (await readFile(path, 'utf8')).trim(), created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
  // `wx`: two processes starting at once do not overwrite each other's token.
  try {
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return ownerToken(dataDir)
    throw err
  }
  return { token, created: true }
}

export function parseTokensFile(text: string, source: string): Array<{ name: string; token: string }> {
  return text.split('\n').flatMap((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return []
    const [name, token, ...rest] = line.split(/\s+/)
    if (token == null || rest.length > 0 || !NAME.test(name) || token.length < MIN_TOKEN_LENGTH) {
      throw new TokensFileError(
        `${source}:${i + 1}: expected "<name> <token>" (a name of letters, digits, . _ -; a token of at least ${MIN_TOKEN_LENGTH} characters)`,
      )
    }
    return [{ name, token }]
  })
}

export function createTokens(entries: ReadonlyArray<{ name: string; token: string }>): Tokens {
  const byDigest = new Map(entries.map((e) => [digest(e.token), e.name]))
  return {
    names: [...new Set(entries.map((e) => e.name))],
    authorize(header) {
      const match = /^Bearer\s+(\S{1,256})$/i.exec(header ?? '')
      return match == null ? undefined : byDigest.get(digest(match[1]))
    },
  }
}

/** The owner token and those of the tokens file, if one is given. */
export async function loadTokens(
  dataDir: string,
  file?: string,
): Promise<{ tokens: Tokens; created?: string }> {
  const owner = await ownerToken(dataDir)
  const others = file == null ? [] : parseTokensFile(await readFile(file, 'utf8'), file)
  return {
    tokens: createTokens([{ name: OWNER, token: owner.token }, ...others]),
    ...(owner.created ? { created: owner.token } : {}),
  }
}
