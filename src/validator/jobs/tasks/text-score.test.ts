/**
 * text-score on the shipped base model (models/train-base.onnx, the train kind's export: tokens
 * [8, 64] -> logits [8, 64, 256]) run by onnxruntime-node, and on logits whose answer is known.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { NamedTensor } from '../../../work/kind.ts'
import { createNodeOnnx } from '../../../work/onnx-node.ts'
import { packRows, unpackRows } from '../rows.ts'
import { withNextByteLoss } from './next-byte-loss.ts'
import { chunksOf, packChunks, scoreOf, scoreOfNll, targetsOf, textOf, unpackLogits } from './text-score.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..', '..')
const [BATCH, CONTEXT] = [8, 64]

describe('the text-score task', () => {
  it('reads records and refuses those it cannot score, each with its code', () => {
    expect([...textOf({ text: 'hé' })]).toEqual([104, 0xc3, 0xa9])
    for (const [body, code] of [
      [{ text: 'a' }, 'too_short'],
      [{ text: 7 }, 'invalid_body'],
      [null, 'invalid_body'],
      [{ text: 'x'.repeat((1 << 20) + 1) }, 'too_long'],
    ] as const) {
      expect(() => textOf(body)).toThrow(expect.objectContaining({ name: 'RecordError', code }))
    }
  })

  it('cuts a record into chunks of the context, padded after the last byte, packed into the model batch', () => {
    const chunks = chunksOf(Uint8Array.of(1, 2, 3, 4, 5), 2)
    expect(chunks.map((c) => [...c].map(Number))).toEqual([
      [1, 2],
      [3, 4],
      [5, 0],
    ])
    expect(packChunks(chunks, 2, 2).map((t) => [...t].map(Number))).toEqual([
      [1, 2, 3, 4],
      [5, 0, 0, 0],
    ])
  })

  it('predicts every byte of a chunk but the first from those before it', () => {
    // Logits that put all mass on byte 7 at every position: ln 256 - ... known exactly.
    const context = 3
    const row = (hot: number) => Float32Array.from({ length: 256 }, (_, i) => (i === hot ? 10 : 0))
    const logits = [Float32Array.from([...row(7), ...row(7), ...row(7)])]
    const bytes = Uint8Array.of(1, 7, 9)
    const lse = 10 + Math.log(1 + 255 * Math.exp(-10))
    // Byte 7 predicted with -ln p = lse - 10, byte 9 with lse - 0; the first byte is not predicted.
    expect(scoreOf(bytes, context, logits).nats_per_byte).toBeCloseTo((lse - 10 + lse) / 2, 5)
    expect(scoreOf(bytes, context, logits).bytes).toBe(3)
  })

  it('scores text with the shipped base model: Shakespeare is likely, the same bytes reversed are not', async () => {
    const onnx = createNodeOnnx()
    const model = new Uint8Array(readFileSync(join(ROOT, 'models', 'train-base.onnx')))
    const score = async (bytes: Uint8Array) => {
      const chunks = chunksOf(bytes, CONTEXT)
      const outputs: Float32Array[] = []
      for (const tokens of packChunks(chunks, BATCH, CONTEXT)) {
        const [out] = await onnx.run('base', async () => model, [
          { name: 'tokens', dtype: 'int64', shape: [BATCH, CONTEXT], data: tokens },
        ])
        outputs.push(out.data as Float32Array)
      }
      return scoreOf(bytes, CONTEXT, unpackLogits(outputs, chunks.length, BATCH, CONTEXT))
    }
    try {
      const text = readFileSync(join(ROOT, 'corpora', 'tinyshakespeare.txt')).subarray(-700)
      const bytes = textOf({ text: new TextDecoder().decode(text) })
      const forward = await score(bytes)
      expect(forward.bytes).toBe(bytes.length)
      // Far below a uniform guess's ln 256 = 5.55 nats per byte.
      expect(forward.nats_per_byte).toBeLessThan(3.2)
      const backward = await score(Uint8Array.from(bytes).reverse())
      expect(backward.nats_per_byte).toBeGreaterThan(forward.nats_per_byte + 0.5)
    } finally {
      await onnx.close()
    }
  })

  it('scores on the contributor with the rewritten model: the same figure from 256 times fewer bytes', async () => {
    const onnx = createNodeOnnx()
    const model = new Uint8Array(readFileSync(join(ROOT, 'models', 'train-base.onnx')))
    const rewritten = withNextByteLoss(model, BATCH, CONTEXT)!
    expect(rewritten).toBeDefined()
    try {
      const text = readFileSync(join(ROOT, 'corpora', 'tinyshakespeare.txt')).subarray(-300)
      const bytes = textOf({ text: new TextDecoder().decode(text) })
      const chunks = chunksOf(bytes, CONTEXT)
      const targets = targetsOf(bytes, CONTEXT)
      // Rows stacked into the model's batches as the job's shards stack them (rows.ts).
      const rows = chunks.map((tokens, c) => [
        { name: 'tokens', dtype: 'int64' as const, shape: [CONTEXT], data: tokens },
        { name: 'targets', dtype: 'int64' as const, shape: [CONTEXT, 1], data: targets[c] },
      ])
      const [logits, nll]: NamedTensor[][][] = [[], []]
      for (const batch of packRows(rows, BATCH)) {
        logits.push(await onnx.run('base', async () => model, [batch[0]]))
        const out = await onnx.run('rewritten', async () => rewritten, batch)
        expect(out.map((t) => t.name)).toEqual(['nll'])
        nll.push(out)
      }
      const logitRows = unpackRows(logits, chunks.length, BATCH).map((r) => r[0].data as Float32Array)
      const nllRows = unpackRows(nll, chunks.length, BATCH).map((r) => r[0].data as Float32Array)
      const full = scoreOf(bytes, CONTEXT, logitRows)
      const onContributor = scoreOfNll(bytes, CONTEXT, nllRows)
      expect(Math.abs(onContributor.nats_per_byte - full.nats_per_byte)).toBeLessThan(1e-5)
      expect(logitRows[0].length / nllRows[0].length).toBe(256)
    } finally {
      await onnx.close()
    }
    // A file with a field Tessera's ONNX subset does not read (a doc_string) is left as it is.
    const docString = Uint8Array.of(0x32, 3, 0x61, 0x62, 0x63)
    const foreign = new Uint8Array([...model, ...docString])
    expect(withNextByteLoss(foreign, BATCH, CONTEXT)).toBeUndefined()
  })
})
