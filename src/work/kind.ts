/**
 * What a work kind is. Every kind is one folder, src/work/<kind>/, that exports two halves of one
 * definition: the contributor half (`execute`, browser or Node) and the validator half (its work
 * source and `verify`, Node), both built on the same name, version, payload codecs and declared cost.
 * Each side lists its kinds once (contributor-kinds.ts, validator-kinds.ts); nothing outside a kind's
 * folder knows what a kind's payload holds. The wire carries the kind's name and version next to
 * its opaque payload, and a peer that does not know the kind refuses it with its own reason.
 */
import type { MatmulEngine } from '../gpu/engine.ts'
import type { GpuRuntime } from '../gpu/runtime.ts'
import type { RejectionReason } from '../protocol/types.ts'

/** How a kind's grant or result travels: its own codec, byte limit and schema checks. */
export interface PayloadCodec<T> {
  /** Largest encoded payload accepted; decode refuses more before parsing. */
  readonly maxBytes: number
  encode(value: T): Uint8Array
  /** Throws MessageTooLargeError, MalformedMessageError or InvalidMessageError (src/protocol/errors.ts). */
  decode(bytes: Uint8Array): T
}

/** What both sides know of a kind. */
export interface WorkKind<G = unknown, R = unknown> {
  /** As on the wire: [a-z][a-z0-9-]{0,31}. */
  readonly name: string
  /** Version of the kind's payloads; bumped when its codec changes incompatibly. */
  readonly version: number
  readonly grant: PayloadCodec<G>
  readonly result: PayloadCodec<R>
  /** Declared cost of a shard: the useful FLOPs its grant asks for. Credit is proportional to it. */
  cost(grant: G): number
}

/** A tensor with a name, as models take and give them: f32, or i64 for integer inputs. */
export interface NamedTensor {
  name: string
  dtype: 'float32' | 'int64'
  shape: number[]
  data: Float32Array | BigInt64Array
}

/** Runs ONNX models: ONNX Runtime Web in the page, onnxruntime-node in Node. */
export interface OnnxRunner {
  /** `model` is the model's sha256 (hex); `load` gives its bytes the first time. */
  run(model: string, load: () => Promise<Uint8Array>, inputs: NamedTensor[]): Promise<NamedTensor[]>
}

/** What a contributor can run shards on. */
export interface Runtimes {
  engine: MatmulEngine
  onnx?: OnnxRunner
  /** Tessera's WGSL kernels on the page's WebGPU device, for kinds that need more than GEMM (train). */
  gpu?: GpuRuntime
}

export interface BlobOptions {
  /**
   * Keep it in the browser's cache across visits (the default: models, corpora). False for blobs
   * used a few times and replaced soon, such as one version of a model in training: memory only.
   */
  persist?: boolean
}

export interface ExecuteContext extends Runtimes {
  /** A blob (model, weights) by sha256 hex, from the validator that granted the shard; cached. */
  blob(sha256: string, options?: BlobOptions): Promise<Uint8Array>
  signal: AbortSignal
}

export interface ContributorKind<G = unknown, R = unknown> extends WorkKind<G, R> {
  /** Whether these runtimes can run the kind; offers a contributor cannot run are left to others. */
  canRun(runtimes: Runtimes): boolean
  /**
   * Blobs the grant names, fetched before its turn on the device (so the device's busy time and the
   * throttle count compute, not downloads); execute still asks for them, and gets them from memory.
   */
  inputs?(grant: G): Array<{ sha256: string; options?: BlobOptions }>
  execute(grant: G, context: ExecuteContext): Promise<R>
}

/** One shard: a grant with the id a receipt is issued for. */
export interface Shard<G = unknown> {
  shardId: string
  offerId: string
  grant: G
  /** Declared cost: the kind's cost of the grant. */
  flops: number
  /** Copies of one batch share a group; the scheduler gives each copy to a different contributor. */
  group?: string
  /** Source state to persist with the lease in one transaction, so a restart neither skips nor repeats. */
  cursor?: { key: string; value: string }
}

/** An offering of a source, gossiped as a WorkOffer. */
export interface OfferSpec {
  offerId: string
  blobs: string[]
  minFlops: number
  maxFlops: number
  /** What the offering's state is, in a few short key/value pairs (a training run's version, step and loss). */
  notes?: Record<string, string>
}

export interface VerifyContext {
  peer: string
  /** The peer already handed in a misshapen or non-finite result this epoch: check everything it sends. */
  suspect: boolean
  /**
   * The validator's audit picked this result (src/validator/audit.ts): recompute it in full, whatever
   * the kind's own sampling says. Kinds that always check everything (gemm) may ignore it.
   */
  audit: boolean
}

export type Verdict =
  | { ok: true; quality: number; detail: string }
  | {
      ok: false
      /** `stale`: honest but too late to use (a training result on a model version long replaced); no strike. */
      reason: Extract<RejectionReason, 'wrong-shape' | 'non-finite' | 'verification-failed' | 'stale'>
      message: string
    }

/**
 * Who a shard is cut for: its peer (a kind may keep giving it shards whose inputs it holds) and its
 * measured device and link rates (a kind may size what a shard uploads to the link); 0 is unknown.
 */
export interface Lessee {
  /** Absent for an identity with little verified work: nothing is kept for it (ids are free). */
  peer?: string
  flopsPerSecond: number
  uplinkBytesPerSecond: number
  downlinkBytesPerSecond: number
}

/** Where a validator's shards of one kind come from, and how their results are judged. */
export interface WorkSource<G = unknown, R = unknown> {
  offers(): OfferSpec[]
  /**
   * Cuts the next shard of an offer with a declared cost close to `flops` (within the offer's
   * bounds); undefined when the offer has nothing left right now.
   */
  next(offerId: string, flops: number, lessee?: Lessee): Shard<G> | undefined
  /** Rebuilds a shard from its id after a restart; undefined if the id is not this source's. */
  restore(shardId: string, offerId: string): Shard<G> | undefined
  verify(shard: Shard<G>, result: R, context: VerifyContext): Promise<Verdict>
  /**
   * Counters and state for /api/status, as plain JSON (e.g. the FLOPs spent verifying against the
   * FLOPs verified; a training run's state, `train/status.ts`, which its page panel reads).
   */
  stats?(): Record<string, unknown>
  close?(): Promise<void>
}

/** One job offer of JobWork: a requester's model with batches waiting. */
export interface JobOffer {
  offerId: string
  /** The model's sha256 (a blob the validator serves). */
  model: string
  flopsPerBatch: number
  /** Batches one shard may hold. */
  maxBatches: number
  /** What the offer tells pages (the job, and what its task does). */
  notes?: Record<string, string>
}

/**
 * Requesters' work (docs/JOBS.md) for a kind that runs models: batches of a model whose verified
 * outputs the validator keeps. The validator turns records into batches and outputs back into
 * records; a kind sees only batches, as in its own shards.
 */
export interface JobWork {
  /** One offer per job with batches waiting now. */
  offers(): JobOffer[]
  /** Up to `batches` batches of an offer (at least one record's), under a new shard id; undefined when none wait. */
  take(offerId: string, batches: number): { shardId: string; batches: NamedTensor[][] } | undefined
  /** A shard's offer and batches while it is open; undefined after a restart (its records wait again). */
  shard(shardId: string): { offer: JobOffer; batches: NamedTensor[][] } | undefined
  /** The model's bytes, for recomputation. */
  model(sha: string): Promise<Uint8Array>
  /**
   * How `peer`'s result for the shard is to be verified: `recompute` (every batch, here), or
   * `adaptive` (a contributor with a long clean record: its outputs are taken once their form is
   * checked). Decided by a secret draw: ask once per result.
   */
  plan(shardId: string, peer: string): 'recompute' | 'adaptive'
  /**
   * The shard's outputs, one per batch in order, from `peer`: the validator's own when `verifiedBy`
   * is `recompute` (they agreed with the peer's), the peer's when `adaptive`.
   */
  deliver(
    shardId: string,
    outputs: NamedTensor[][],
    from: { peer: string; verifiedBy: 'recompute' | 'adaptive' },
  ): Promise<void>
}

/** A requester's training job: a run of its own, beside the subnet's (docs/JOBS.md, "train"). */
export interface TrainJobRun {
  jobId: string
  /** The offer its shards are cut from (its receipts carry it, its reward is paid on them). */
  offerId: string
  /** The train kind's config section for the run (its keys; corpus and init are below). */
  config: Record<string, unknown>
  /** The corpus file and its sha256. */
  corpus: string
  corpusSha256: string
  /** A weights file to fine-tune from. */
  init?: string
  /** What the offer tells pages (the job, and what it does). */
  notes: Record<string, string>
}

/** A finished training job's outputs. */
export interface TrainJobResult {
  /** The final weights (safetensors, the model's full parameters). */
  checkpoint: Uint8Array
  /** Their ONNX export: next-byte logits for a batch of 8 sequences (the infer kind's and text-score's models). */
  onnx: Uint8Array
  /** Held-out loss through the run. */
  history: Array<{ step: number; heldOutLoss: number; trainLoss: number | null }>
  /** Peers whose results entered the run (at most a thousand). */
  contributors: string[]
}

/** Requesters' training jobs, for the train kind's source. */
export interface TrainJobWork {
  /** The training jobs running now. */
  runs(): TrainJobRun[]
  /** A run reached its last step: its outputs become the job's result. */
  finish(jobId: string, result: TrainJobResult): Promise<void>
  /** A run could not start (its config or files are wrong): the job ends with that error. */
  fail(jobId: string, message: string): Promise<void>
  /** A run took a step: where it stands, for the job's progress and ETA. */
  progress(jobId: string, at: { step: number; maxSteps: number; heldOutLoss: number | null }): void
}

/** What a validator hands a kind when it builds the kind's source. */
export interface SourceContext {
  /** The kind's section of the subnet config, CLI flags merged in; undefined when absent. */
  config: unknown
  /** Directory that relative paths in the config are resolved against. */
  configDir: string
  /** The Tessera installation's root: what it ships (corpora/, models/) is found from here. */
  shippedDir: string
  /** A directory of the validator's data dir that is this kind's own (checkpoints, optimizer state). */
  stateDir: string
  /** The validator's seed: sources derive synthetic work from it reproducibly. */
  seed: number
  /**
   * Uniform numbers in [0, 1) for what a source draws that need not be secret, such as which data a
   * shard holds (never which results are checked); crypto when omitted, seeded by tests.
   */
  draw?: () => number
  /** The last persisted value of a source cursor (see Shard.cursor). */
  cursor(key: string): Promise<string | undefined>
  /** Serves bytes or a file over /tessera/blob/1; returns its sha256 (hex). */
  blobs: BlobRegistry
  /** A result accepted earlier proved wrong (an outvoted copy): strike its peer. */
  strike(peer: string, shardId: string, message: string): void
  /** Threads that run a kind's checks off the validator's event loop. */
  workers: TaskRunner
  /** Requesters' jobs, for a kind that runs models (infer); absent when the validator takes none. */
  jobs?: JobWork
  /** Requesters' training jobs, for the train kind; absent when the validator takes none. */
  trainJobs?: TrainJobWork
}

/** An exported function of a module, run on a worker thread; args cross by structured clone. */
export interface WorkerTask {
  /** The module's file URL: `new URL('./check.ts', import.meta.url).href`. */
  module: string
  fn: string
  args: unknown[]
}

export interface TaskRunner {
  /** Runs `task`; `transfer` lists buffers the caller gives up (see structuredClone). */
  run<T>(task: WorkerTask, transfer?: Transferable[]): Promise<T>
  /** Loads a module on every thread ahead of its first task (a source calls it when created). */
  preload(module: string): void
}

export interface BlobRegistry {
  addBytes(bytes: Uint8Array): string
  /** Stops serving a blob the source added (an old model version). */
  remove(sha256: string): void
  /** Hashes the file, checking it against `sha256` when given. */
  addFile(path: string, sha256?: string): Promise<string>
}

/** A CLI flag a kind adds to the validator; its value lands in the kind's config section. */
export interface KindFlag {
  key: string
  help: string
}

/**
 * A panel a kind brings to Tessera's page (the training run's curve and sampler): a custom element in
 * the kind's folder, listed in work/panel-kinds.ts; the page's shell puts one of each on the page.
 * Browser code: it may read the validator's /api/status (its kind's `sources` entry) and blobs.
 */
export interface KindPanel {
  kind: string
  /** The custom element's tag. */
  tag: string
  /** Defines the element (once). */
  define(): void
}

/** Hooks the shared compliance suite (compliance.ts) uses to test a kind. */
export interface Conformance<G = unknown, R = unknown> {
  /** A small configuration of the kind for tests (its subnet config section). */
  config: unknown
  /** Honest results with one element changed slightly, wrong dimensions, and a NaN. */
  perturb(result: R): R
  reshape(result: R): R
  poison(result: R): R
  /**
   * The work a grant asks for, counted from the grant's contents (and the blobs it names)
   * independently of `cost`: by running the computation's shapes, or reading the model file.
   */
  work(grant: G, context: { blob(sha256: string): Promise<Uint8Array> }): number | Promise<number>
}

export interface ValidatorKind<G = unknown, R = unknown> extends WorkKind<G, R> {
  /** Builds the kind's source from its config section; undefined when this validator does not offer it. */
  createSource(context: SourceContext): Promise<WorkSource<G, R> | undefined>
  readonly flags?: Record<string, KindFlag>
  readonly conformance: Conformance<G, R>
}

/* biome-ignore-start lint/suspicious/noExplicitAny: lists and registries hold kinds of every grant and result type */
export type AnyWorkKind = WorkKind<any, any>
export type AnyContributorKind = ContributorKind<any, any>
export type AnyValidatorKind = ValidatorKind<any, any>
/* biome-ignore-end lint/suspicious/noExplicitAny: - */
