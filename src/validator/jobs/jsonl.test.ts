import { describe, expect, it } from 'vitest'
import { outputLine, parseRecords } from './jsonl.ts'
import { textOf } from './tasks/text-score.ts'

const limits = { maxRecords: 6, maxRecordBytes: 200 }
const check = (body: unknown) => void textOf(body)

describe('job files', () => {
  it('reads each line into a record, and a line it cannot read into that record’s error, the rest going on', () => {
    const text = [
      '{"custom_id": "a", "body": {"text": "hello"}}',
      '',
      'not json',
      '{"custom_id": "b", "body": {"text": "x"}}',
      '{"custom_id": "a", "body": {"text": "again"}}',
      `{"custom_id": "c", "body": {"text": "${'y'.repeat(300)}"}}`,
      '{"body": {"text": "no id"}}',
    ].join('\n')
    const items = parseRecords(text, limits, check)
    expect(items.map((i) => [i.customId, i.error?.code ?? 'ok'])).toEqual([
      ['a', 'ok'],
      ['line-3', 'invalid_json'],
      ['b', 'too_short'],
      ['line-5', 'duplicate_custom_id'],
      ['line-6', 'record_too_large'],
      ['line-7', 'invalid_custom_id'],
    ])
    expect(items[0].input).toBe('{"text":"hello"}')
    expect(items[3].error?.message).toBe('line 5: custom_id a repeats line 1')
  })

  it('refuses an upload of more records than a job may have', () => {
    const text = Array.from({ length: 7 }, (_, i) => `{"custom_id": "${i}", "body": {"text": "ab"}}`).join(
      '\n',
    )
    expect(() => parseRecords(text, limits, check)).toThrow(
      expect.objectContaining({ name: 'TooManyRecordsError' }),
    )
  })

  it('writes output lines in the Batch API’s shape', () => {
    const ok = outputLine({
      index: 0,
      customId: 'a',
      outcome: 'ok',
      body: '{"nats_per_byte":1.5,"bytes":5}',
      verifiedBy: 'recompute',
      contributors: ['12D3KooWx'],
      deliveredAt: 1,
    })
    expect(JSON.parse(ok)).toEqual({
      custom_id: 'a',
      response: {
        body: { nats_per_byte: 1.5, bytes: 5 },
        verified_by: 'recompute',
        contributors: ['12D3KooWx'],
      },
      error: null,
    })
    const error = outputLine({
      index: 1,
      customId: 'b',
      outcome: 'error',
      body: '{"code":"too_short","message":"line 2: nothing"}',
      verifiedBy: null,
      contributors: [],
      deliveredAt: 1,
    })
    expect(JSON.parse(error)).toEqual({
      custom_id: 'b',
      response: null,
      error: { code: 'too_short', message: 'line 2: nothing' },
    })
  })
})
