/**
 * `/metrics` in Prometheus' text format (prom-client): the validator's process (CPU, memory, event
 * loop lag), what it has out (shards, FLOPs and bytes under lease), what it has moved (grant, result
 * and blob bytes, leases), its ledger, and the peers it cut off. Figures are read from the status
 * snapshot at each scrape, so nothing on the hot paths counts twice.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { KindIntensity, ValidatorStatus } from './api.ts'

export interface Metrics {
  /** The text a scrape gets, and its content type. */
  render(): Promise<{ contentType: string; body: string }>
  /** A peer was cut off for malformed messages. */
  peerCutOff(reason: string): void
}

export function createMetrics(status: () => Promise<ValidatorStatus>): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'tessera_validator_' })
  let snapshot: ValidatorStatus | undefined
  const gauge = (name: string, help: string, read: (s: ValidatorStatus) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (snapshot != null) this.set(read(snapshot))
      },
    })
  gauge('tessera_peers', 'libp2p peers connected', (s) => s.peers)
  gauge('tessera_epoch', 'current epoch', (s) => s.epoch)
  gauge('tessera_shards_open', 'shards cut and not credited', (s) => s.shards.open)
  gauge('tessera_shards_leased', 'shards under a live lease', (s) => s.shards.leased)
  gauge('tessera_shards_queued', 'shards waiting to be leased again', (s) => s.shards.queued)
  gauge('tessera_outstanding_flops', 'FLOPs under lease', (s) => s.shards.outstandingFlops)
  gauge('tessera_outstanding_bytes', 'grant bytes under lease', (s) => s.shards.outstandingBytes)
  gauge('tessera_kept_grant_bytes', 'grant bytes kept in memory', (s) => s.shards.keptGrantBytes)
  gauge('tessera_audit_results', 'results the audit saw since start', (s) => s.audit.results)
  gauge(
    'tessera_audit_recomputed',
    'results the audit recomputed in full since start',
    (s) => s.audit.audited,
  )
  gauge('tessera_leases_granted', 'leases granted since start', (s) => s.wire.leases)
  gauge('tessera_grant_bytes', 'grant payload bytes sent since start', (s) => s.wire.grantBytes)
  gauge('tessera_result_bytes', 'result payload bytes received since start', (s) => s.wire.resultBytes)
  gauge('tessera_blob_bytes', 'blob bytes served since start', (s) => s.blobBytesServed)
  gauge(
    'tessera_lease_ms_p50',
    'time to answer a lease request, median of the last 1000 (ms)',
    (s) => s.wire.leaseMsP50,
  )
  gauge(
    'tessera_lease_ms_p99',
    'time to answer a lease request, 99th percentile of the last 1000 (ms)',
    (s) => s.wire.leaseMsP99,
  )
  gauge('tessera_ledger_accepted', 'results credited (ledger)', (s) => s.ledger.accepted)
  gauge('tessera_ledger_rejected', 'results rejected (ledger)', (s) => s.ledger.rejected)
  gauge('tessera_ledger_flops', 'verified FLOPs credited (ledger)', (s) => s.ledger.flops)
  gauge('tessera_ledger_contributors', 'contributors with credit (ledger)', (s) => s.ledger.contributors)
  // Each kind's own numeric counters (a training run's steps, recomputations, checkpoint and
  // evaluation failures, …), by kind and name.
  new Gauge({
    name: 'tessera_source',
    help: "a work kind's own counters, as in /api/status sources",
    labelNames: ['kind', 'stat'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [kind, stats] of Object.entries(snapshot?.sources ?? {})) {
        for (const [stat, value] of Object.entries(stats)) {
          if (typeof value === 'number' && Number.isFinite(value)) this.set({ kind, stat }, value)
        }
      }
    },
  })
  // What each kind moves per FLOP (docs/SCALING.md): the bound a home link puts on it.
  const perKind = (
    name: string,
    help: string,
    labelNames: string[],
    set: (g: Gauge, kind: string, i: KindIntensity) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset()
        for (const [kind, i] of Object.entries(snapshot?.intensity ?? {})) set(this, kind, i)
      },
    })
  perKind(
    'tessera_kind_bytes',
    'bytes a kind moved since start (down: grants and blobs; up: credited results)',
    ['kind', 'direction'],
    (g, kind, i) => {
      g.set({ kind, direction: 'down' }, i.grantBytes + i.blobBytes)
      g.set({ kind, direction: 'up' }, i.resultBytes)
    },
  )
  perKind(
    'tessera_kind_flops_per_byte',
    'FLOPs credited per byte moved since start',
    ['kind', 'direction'],
    (g, kind, i) => {
      g.set({ kind, direction: 'down' }, i.flopsPerByteDown)
      g.set({ kind, direction: 'up' }, i.flopsPerByteUp)
    },
  )
  perKind('tessera_kind_verified_flops', 'FLOPs credited since start', ['kind'], (g, kind, i) =>
    g.set({ kind }, i.verifiedFlops),
  )
  const cutOff = new Counter({
    name: 'tessera_peers_cut_off_total',
    help: 'peers cut off for malformed messages',
    labelNames: ['reason'],
    registers: [registry],
  })
  return {
    async render() {
      snapshot = await status()
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
    peerCutOff: (reason) => cutOff.inc({ reason }),
  }
}
