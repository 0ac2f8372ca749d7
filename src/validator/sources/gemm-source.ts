/** GEMM tiles of the seeded synthetic layer, verified with Freivalds. The tile cursor lives in the ledger. */
import { cryptoRandomWords } from '../../work/gemm/freivalds.ts'
import { flopsOf, verifyGemm } from '../../work/gemm/index.ts'
import type { SyntheticLayer } from '../../work/gemm/synthetic-layer.ts'
import type { Ledger } from '../ledger.ts'
import type { WorkItem, WorkSource } from './source.ts'

const CURSOR_KEY = 'gemm_cursor'

export function createGemmSource(
  layer: SyntheticLayer,
  ledger: Pick<Ledger, 'getMeta' | 'setMeta'>,
  rounds?: number,
): WorkSource {
  const randomWord = cryptoRandomWords()
  const [b0, t0] = (ledger.getMeta(CURSOR_KEY) ?? '0:0').split(':').map(Number)
  let cursor =
    Number.isSafeInteger(b0) && Number.isSafeInteger(t0) ? { batch: b0, tile: t0 } : { batch: 0, tile: 0 }
  return {
    kind: 'gemm',
    next(): WorkItem {
      const { batch, tile } = cursor
      cursor = tile + 1 < layer.tilesPerBatch ? { batch, tile: tile + 1 } : { batch: batch + 1, tile: 0 }
      ledger.setMeta(CURSOR_KEY, `${cursor.batch}:${cursor.tile}`)
      const { a, b } = layer.tile(batch, tile)
      return {
        offerId: `b${batch}t${tile}`,
        kind: 'gemm',
        flops: flopsOf(a.rows, b.cols, a.cols),
        m: a.rows,
        n: b.cols,
        k: a.cols,
        work: { kind: 'gemm', a, b },
      }
    },
    async verify(item, output) {
      if (item.work.kind !== 'gemm' || output.kind !== 'gemm') {
        return { ok: false, reason: 'wrong-shape', message: 'this lease is for gemm work' }
      }
      const verdict = verifyGemm(item.work, output.c, { randomWord, rounds })
      return verdict.ok
        ? { ok: true, quality: 1, detail: `Freivalds ratio ${verdict.worstRatio.toFixed(3)}` }
        : verdict
    },
  }
}
