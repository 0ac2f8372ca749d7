/**
 * A job's files in the shape of the OpenAI Batch API, so existing tooling reads them. Input: one
 * `{"custom_id": "<id>", "body": {...}}` per line. Output: one line per record, in input order,
 * `{"custom_id", "response": {"body", "verified_by", "contributors"}, "error": null}` or
 * `{"custom_id", "response": null, "error": {"code", "message"}}`. A line that cannot be read becomes
 * its record's error line and the rest go on.
 */
import type { JobOutput, NewJobItem } from '../ledger/types.ts'
import { RecordError } from './tasks/text-score.ts'

export interface RecordLimits {
  /** Records in one job. */
  maxRecords: number
  /** UTF-8 bytes of one input line. */
  maxRecordBytes: number
}

/** More records than a job may have: the whole upload is refused. */
export class TooManyRecordsError extends Error {
  static override name = 'TooManyRecordsError'
  override name = 'TooManyRecordsError'
}

const CUSTOM_ID = /^[\x21-\x7e][\x20-\x7e]{0,255}$/

/** The records of a JSONL upload; `check` reads a body (RecordError for one it cannot use). */
export function parseRecords(
  text: string,
  limits: RecordLimits,
  check: (body: unknown) => void,
): NewJobItem[] {
  const items: NewJobItem[] = []
  const seen = new Map<string, number>()
  const lines = text.split('\n')
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '') continue
    if (items.length >= limits.maxRecords)
      throw new TooManyRecordsError(`more than ${limits.maxRecords} records: split the dataset into jobs`)
    const n = i + 1
    const fail = (code: string, message: string, customId = `line-${n}`): NewJobItem => ({
      customId: seen.has(customId) ? `line-${n}` : customId,
      input: '{}',
      error: { code, message: `line ${n}: ${message}` },
    })
    const item = readLine(line, limits, check, seen, fail)
    seen.set(item.customId, n)
    items.push(item)
  }
  return items
}

function readLine(
  line: string,
  limits: RecordLimits,
  check: (body: unknown) => void,
  seen: Map<string, number>,
  fail: (code: string, message: string, customId?: string) => NewJobItem,
): NewJobItem {
  if (new TextEncoder().encode(line).length > limits.maxRecordBytes)
    return fail('record_too_large', `over ${limits.maxRecordBytes} bytes`)
  let record: { custom_id?: unknown; body?: unknown }
  try {
    record = JSON.parse(line)
  } catch {
    return fail('invalid_json', 'not a JSON object')
  }
  if (record == null || typeof record !== 'object' || Array.isArray(record))
    return fail('invalid_json', 'not a JSON object')
  const id = record.custom_id
  if (typeof id !== 'string' || !CUSTOM_ID.test(id))
    return fail('invalid_custom_id', 'custom_id must be a string of 1 to 256 printable ASCII characters')
  if (seen.has(id)) return fail('duplicate_custom_id', `custom_id ${id} repeats line ${seen.get(id)}`)
  try {
    check(record.body)
  } catch (err) {
    if (err instanceof RecordError) return fail(err.code, err.message, id)
    throw err
  }
  return { customId: id, input: JSON.stringify(record.body) }
}

/** A record's output line (no newline). */
export function outputLine(o: JobOutput): string {
  if (o.outcome === 'error')
    return JSON.stringify({ custom_id: o.customId, response: null, error: JSON.parse(o.body) })
  return JSON.stringify({
    custom_id: o.customId,
    response: { body: JSON.parse(o.body), verified_by: o.verifiedBy, contributors: o.contributors },
    error: null,
  })
}
