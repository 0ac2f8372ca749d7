/**
 * `text-score`: a UTF-8 text record's mean log-likelihood per byte under a byte-level language model
 * (the `train` kind's models, exported to ONNX: `tokens` int64 [batch, context] → `logits` f32
 * [batch, context, 256]). The record's bytes are cut into consecutive chunks of the model's context
 * length; in each chunk every byte but the first is predicted from the chunk's bytes before it;
 * `nats_per_byte` is the mean of −ln p over all predicted bytes. A chunk shorter than the context is
 * padded after its end, which a causal model never looks at. A record under 2 bytes predicts nothing:
 * an error line.
 */

/** Longest record scored, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 1 << 20
const VOCAB = 256

/** A record this task cannot read: its error line says why. */
export class RecordError extends Error {
  static override name = 'RecordError'
  override name = 'RecordError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface TextScoreBody {
  nats_per_byte: number
  /** The record's UTF-8 bytes. */
  bytes: number
}

/** The record's bytes, from its `body.text`. */
export function textOf(body: unknown): Uint8Array {
  const text = (body as { text?: unknown } | null)?.text
  if (typeof text !== 'string') throw new RecordError('invalid_body', 'body.text must be a string')
  const bytes = new TextEncoder().encode(text)
  if (bytes.length < 2) throw new RecordError('too_short', 'a record under 2 bytes has nothing to predict')
  if (bytes.length > MAX_TEXT_BYTES)
    throw new RecordError('too_long', `body.text is ${bytes.length} bytes; the limit is ${MAX_TEXT_BYTES}`)
  return bytes
}

/** The model's `tokens` input for each chunk: `context` int64 values, zero past the chunk's end. */
export function chunksOf(bytes: Uint8Array, context: number): BigInt64Array[] {
  const chunks: BigInt64Array[] = []
  for (let from = 0; from < bytes.length; from += context) {
    const chunk = new BigInt64Array(context)
    for (const [i, b] of bytes.subarray(from, from + context).entries()) chunk[i] = BigInt(b)
    chunks.push(chunk)
  }
  return chunks
}

/**
 * Chunks packed into the model's fixed batch (`tokens` [batch, context]): one int64 tensor per
 * `batch` chunks, the last padded with zero rows whose logits are never read.
 */
export function packChunks(
  chunks: readonly BigInt64Array[],
  batch: number,
  context: number,
): BigInt64Array[] {
  const packed: BigInt64Array[] = []
  for (let from = 0; from < chunks.length; from += batch) {
    const tokens = new BigInt64Array(batch * context)
    for (const [row, chunk] of chunks.slice(from, from + batch).entries()) tokens.set(chunk, row * context)
    packed.push(tokens)
  }
  return packed
}

/** Each chunk's logits back out of the batches' `logits` outputs ([batch, context, 256] each). */
export function unpackLogits(
  outputs: readonly Float32Array[],
  chunks: number,
  batch: number,
  context: number,
): Float32Array[] {
  const rows = context * VOCAB
  return Array.from({ length: chunks }, (_, c) => {
    const out = outputs[Math.floor(c / batch)]
    const at = (c % batch) * rows
    if (out == null || out.length < at + rows) throw new RangeError(`no logits for chunk ${c}`)
    return out.subarray(at, at + rows)
  })
}

/**
 * Each chunk's `targets` for a model rewritten by next-byte-loss.ts: at each position the byte that
 * follows it in its chunk (0 where none does: those positions are not read).
 */
export function targetsOf(bytes: Uint8Array, context: number): BigInt64Array[] {
  return Array.from({ length: Math.ceil(bytes.length / context) }, (_, c) => {
    const chunk = bytes.subarray(c * context, (c + 1) * context)
    const targets = new BigInt64Array(context)
    for (let t = 0; t + 1 < chunk.length; t++) targets[t] = BigInt(chunk[t + 1])
    return targets
  })
}

/** The score from each chunk's `nll` (context values: −ln p of the byte after each position). */
export function scoreOfNll(bytes: Uint8Array, context: number, nll: readonly Float32Array[]): TextScoreBody {
  const chunks = Math.ceil(bytes.length / context)
  if (nll.length !== chunks) throw new RangeError(`${nll.length} chunks of nll for ${chunks} chunks`)
  let nats = 0
  let predicted = 0
  for (let c = 0; c < chunks; c++) {
    const length = Math.min(context, bytes.length - c * context)
    for (let t = 0; t + 1 < length; t++) {
      nats += nll[c][t]
      predicted++
    }
  }
  return { nats_per_byte: nats / predicted, bytes: bytes.length }
}

/** −ln p of every predicted byte, summed, from each chunk's logits (`context` × 256, row-major). */
export function scoreOf(bytes: Uint8Array, context: number, logits: readonly Float32Array[]): TextScoreBody {
  const chunks = Math.ceil(bytes.length / context)
  if (logits.length !== chunks) throw new RangeError(`${logits.length} chunks of logits for ${chunks} chunks`)
  let nats = 0
  let predicted = 0
  for (let c = 0; c < chunks; c++) {
    const chunk = bytes.subarray(c * context, (c + 1) * context)
    const rows = logits[c]
    if (rows.length !== context * VOCAB)
      throw new RangeError(`chunk ${c}: ${rows.length} logits for ${context * VOCAB}`)
    for (let t = 0; t + 1 < chunk.length; t++) {
      const row = rows.subarray(t * VOCAB, (t + 1) * VOCAB)
      let max = Number.NEGATIVE_INFINITY
      for (const v of row) max = Math.max(max, v)
      let sum = 0
      for (const v of row) sum += Math.exp(v - max)
      nats += max + Math.log(sum) - row[chunk[t + 1]]
      predicted++
    }
  }
  return { nats_per_byte: nats / predicted, bytes: bytes.length }
}
