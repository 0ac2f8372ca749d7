import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadTokens, OWNER, OWNER_TOKEN_FILE, parseTokensFile } from './tokens.ts'

describe('job tokens', () => {
  it('makes the owner token once, readable by the validator alone, and knows it ever after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-tokens-'))
    const first = await loadTokens(dir)
    expect(first.created).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(statSync(join(dir, OWNER_TOKEN_FILE)).mode & 0o777).toBe(0o600)
    const again = await loadTokens(dir)
    expect(again.created).toBeUndefined()
    expect(again.tokens.authorize(`Bearer ${first.created}`)).toBe(OWNER)
    expect(again.tokens.authorize(`bearer ${first.created}`)).toBe(OWNER)
    expect(again.tokens.authorize(`Bearer ${first.created}x`)).toBeUndefined()
    expect(again.tokens.authorize(first.created)).toBeUndefined()
    expect(again.tokens.authorize(undefined)).toBeUndefined()
  })

  it('reads named tokens from a file and refuses a line it cannot use, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-tokens-'))
    const file = join(dir, 'tokens')
    writeFileSync(
      file,
      '# requesters\nlab-1 abcdefghijklmnopqrstuvwxyz\n\nlab.2   ZYXWVUTSRQPONMLKJIHGFEDCBA\n',
    )
    const { tokens } = await loadTokens(dir, file)
    expect(tokens.names).toEqual([OWNER, 'lab-1', 'lab.2'])
    expect(tokens.authorize('Bearer ZYXWVUTSRQPONMLKJIHGFEDCBA')).toBe('lab.2')
    expect(() => parseTokensFile('ok abcdefghijklmnopqrstuvwxyz\nshort abc\n', 'tokens')).toThrow(
      expect.objectContaining({ name: 'TokensFileError', message: expect.stringContaining('tokens:2:') }),
    )
    expect(() => parseTokensFile('bad/name abcdefghijklmnopqrstuvwxyz', 'f')).toThrow(/f:1:/)
    expect(() => parseTokensFile('a b c', 'f')).toThrow(/f:1:/)
  })
})
