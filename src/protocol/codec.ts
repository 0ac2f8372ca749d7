/**
 * Binary codec for every Tessera message. Decoders check the size limit before parsing, then the
 * schema after it (protobuf alone accepts any missing field or number), and throw one of the typed
 * errors in errors.ts that says which message and field was wrong.
 */
import {
  MAX_BLOB_CHUNK,
  MAX_BLOB_SIZE,
  MAX_CLAIM_MESSAGE_BYTES,
  MAX_CLAIM_RECEIPTS,
  MAX_DIM,
  MAX_ID_LENGTH,
  MAX_NAMED_TENSOR_RANK,
  MAX_NAMED_TENSORS,
  MAX_TENSOR_ELEMENTS,
  MAX_TENSOR_RANK,
  MAX_TEXT_LENGTH,
  MESSAGE_LIMITS,
  type MessageName,
  PROTOCOL_VERSION,
} from './constants.ts'
import {
  InvalidMessageError,
  MalformedMessageError,
  MessageTooLargeError,
  UnsupportedVersionError,
} from './errors.ts'
import * as pb from './messages.ts'
import {
  CLAIM_REJECTION_REASONS,
  type ClaimAckBody,
  type ClaimRequest,
  type ClaimResponse,
  LEASE_REFUSAL_REASONS,
  type LeaseRequest,
  type LeaseResponse,
  type LeaseWork,
  type Matrix,
  type NamedTensor,
  REJECTION_REASONS,
  type ReceiptBody,
  type ResultResponse,
  type SignedReceipt,
  WORK_KINDS,
  type WorkOffer,
  type WorkOutput,
  type WorkResult,
} from './types.ts'

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // Tensors travel as little-endian f32 and are viewed in place; a big-endian host would misread them.
  throw new Error('Tessera needs a little-endian host')
}

/** Base58btc peer ids as libp2p prints them (Ed25519 ids are 52 characters, RSA ids longer). */
const PEER_ID_PATTERN = /^[1-9A-HJ-NP-Za-km-z]{32,128}$/
const ID_PATTERN = /^[A-Za-z0-9._:-]+$/
/** ONNX tensor names: identifiers with the separators exporters use. */
const TENSOR_NAME_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/
const SHA256_HEX = /^[0-9a-f]{64}$/

function parse<T>(name: MessageName, bytes: Uint8Array, decode: (b: Uint8Array) => T): T {
  const limit = MESSAGE_LIMITS[name]
  if (bytes.byteLength > limit) throw new MessageTooLargeError(name, bytes.byteLength, limit)
  try {
    return decode(bytes)
  } catch (err) {
    throw new MalformedMessageError(name, err)
  }
}

/** Field checks for one message; each failure names the message and field. */
class Check {
  constructor(private readonly name: string) {}

  fail(field: string, reason: string): never {
    throw new InvalidMessageError(this.name, field, reason)
  }

  version(version: number): void {
    if (version !== PROTOCOL_VERSION) throw new UnsupportedVersionError(this.name, version, PROTOCOL_VERSION)
  }

  id(field: string, value: string): string {
    if (value.length === 0) this.fail(field, 'is missing')
    if (value.length > MAX_ID_LENGTH) this.fail(field, `is longer than ${MAX_ID_LENGTH} characters`)
    if (!ID_PATTERN.test(value)) this.fail(field, 'has characters outside [A-Za-z0-9._:-]')
    return value
  }

  peerId(field: string, value: string): string {
    if (!PEER_ID_PATTERN.test(value)) this.fail(field, 'is not a base58 peer id')
    return value
  }

  text(field: string, value: string): string {
    if (value.length > MAX_TEXT_LENGTH) this.fail(field, `is longer than ${MAX_TEXT_LENGTH} characters`)
    return value
  }

  int(field: string, value: number, min: number, max: number): number {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(field, `must be an integer in [${min}, ${max}], got ${value}`)
    }
    return value
  }

  finite(field: string, value: number, min: number): number {
    if (!Number.isFinite(value) || value < min) this.fail(field, `must be a finite number >= ${min}`)
    return value
  }

  member<T extends string>(field: string, value: string, allowed: readonly T[]): T {
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${allowed.join(', ')}, got "${value.slice(0, 32)}"`)
    }
    return value as T
  }

  bytes(field: string, value: Uint8Array, length: number): Uint8Array {
    if (value.byteLength !== length) this.fail(field, `must be ${length} bytes, got ${value.byteLength}`)
    return value
  }

  sha256Hex(field: string, value: string): string {
    if (!SHA256_HEX.test(value)) this.fail(field, 'must be a lowercase hex sha256')
    return value
  }

  named(field: string, tensors: pb.NamedTensor[]): NamedTensor[] {
    if (tensors.length === 0) this.fail(field, 'must hold at least one tensor')
    if (tensors.length > MAX_NAMED_TENSORS) this.fail(field, `must hold at most ${MAX_NAMED_TENSORS} tensors`)
    let total = 0
    const names = new Set<string>()
    return tensors.map((t, i) => {
      const f = `${field}[${i}]`
      if (!TENSOR_NAME_PATTERN.test(t.name)) this.fail(`${f}.name`, 'is not a tensor name')
      if (names.has(t.name)) this.fail(`${f}.name`, `repeats "${t.name}"`)
      names.add(t.name)
      if (t.dtype !== 0 && t.dtype !== 1) this.fail(`${f}.dtype`, 'must be 0 (f32) or 1 (i64)')
      if (t.shape.length > MAX_NAMED_TENSOR_RANK)
        this.fail(`${f}.shape`, `has rank over ${MAX_NAMED_TENSOR_RANK}`)
      for (const [j, d] of t.shape.entries()) this.int(`${f}.shape[${j}]`, d, 1, MAX_DIM)
      const elements = t.shape.reduce((a, b) => a * b, 1)
      total += elements
      if (total > MAX_TENSOR_ELEMENTS) this.fail(field, `holds over ${MAX_TENSOR_ELEMENTS} elements`)
      const width = t.dtype === 0 ? 4 : 8
      if (t.data.byteLength !== elements * width) {
        this.fail(
          `${f}.data`,
          `must be ${elements * width} bytes for shape [${t.shape.join(', ')}], got ${t.data.byteLength}`,
        )
      }
      const copy = new Uint8Array(t.data.byteLength)
      copy.set(t.data)
      return {
        name: t.name,
        dtype: t.dtype === 0 ? ('float32' as const) : ('int64' as const),
        shape: [...t.shape],
        data: t.dtype === 0 ? new Float32Array(copy.buffer) : new BigInt64Array(copy.buffer),
      }
    })
  }

  matrix(field: string, tensor: pb.Tensor | undefined): Matrix {
    if (tensor == null) this.fail(field, 'is missing')
    const { shape, data } = tensor
    if (shape.length === 0 || shape.length > MAX_TENSOR_RANK) {
      this.fail(`${field}.shape`, `must have rank 1 to ${MAX_TENSOR_RANK}, got ${shape.length}`)
    }
    const rows = shape.length === 2 ? shape[0] : 1
    const cols = shape[shape.length - 1]
    this.int(`${field}.shape[0]`, rows, 1, MAX_DIM)
    this.int(`${field}.shape[1]`, cols, 1, MAX_DIM)
    const elements = rows * cols
    if (elements > MAX_TENSOR_ELEMENTS)
      this.fail(field, `has ${elements} elements, over ${MAX_TENSOR_ELEMENTS}`)
    if (data.byteLength !== elements * 4) {
      this.fail(
        `${field}.data`,
        `must be ${elements * 4} bytes for shape [${rows}, ${cols}], got ${data.byteLength}`,
      )
    }
    // Copy into a fresh, aligned buffer: the decoded bytes may sit at any offset of the frame (and
    // in Node they are a Buffer, whose slice() shares memory rather than copying).
    const aligned = new Float32Array(elements)
    new Uint8Array(aligned.buffer).set(data)
    return { rows, cols, data: aligned }
  }
}

function namedOf(t: NamedTensor): pb.NamedTensor {
  return {
    name: t.name,
    dtype: t.dtype === 'float32' ? 0 : 1,
    shape: t.shape,
    data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) as Uint8Array<ArrayBuffer>,
  }
}

function tensorOf(matrix: Matrix): pb.Tensor {
  if (matrix.data.length !== matrix.rows * matrix.cols) {
    throw new RangeError(
      `matrix data has ${matrix.data.length} elements, shape says ${matrix.rows}x${matrix.cols}`,
    )
  }
  return {
    shape: [matrix.rows, matrix.cols],
    data: new Uint8Array(
      matrix.data.buffer,
      matrix.data.byteOffset,
      matrix.data.byteLength,
    ) as Uint8Array<ArrayBuffer>,
  }
}

// --- work offer (gossip) ---

export function encodeOffer(offer: WorkOffer): Uint8Array {
  return pb.WorkOffer.encode({ version: PROTOCOL_VERSION, ...offer, model: offer.model ?? '' })
}

export function decodeOffer(bytes: Uint8Array): WorkOffer {
  const raw = parse('offer', bytes, (b) => pb.WorkOffer.decode(b))
  const c = new Check('WorkOffer')
  c.version(raw.version)
  const kind = c.member('kind', raw.kind, WORK_KINDS)
  return {
    netuid: c.int('netuid', raw.netuid, 0, 65_535),
    validator: c.peerId('validator', raw.validator),
    offerId: c.id('offerId', raw.offerId),
    kind,
    m: c.int('m', raw.m, 1, MAX_DIM),
    n: c.int('n', raw.n, 1, MAX_DIM),
    k: c.int('k', raw.k, 1, MAX_DIM),
    flops: c.int('flops', raw.flops, 1, Number.MAX_SAFE_INTEGER),
    expiresAt: c.int('expiresAt', raw.expiresAt, 1, Number.MAX_SAFE_INTEGER),
    epoch: c.int('epoch', raw.epoch, 0, 0xffff_ffff),
    ...(kind === 'infer' ? { model: c.sha256Hex('model', raw.model) } : {}),
  }
}

// --- lease (stream) ---

export function encodeLeaseRequest(request: LeaseRequest): Uint8Array {
  return pb.LeaseRequest.encode({ version: PROTOCOL_VERSION, ...request })
}

export function decodeLeaseRequest(bytes: Uint8Array): LeaseRequest {
  const raw = parse('leaseRequest', bytes, (b) => pb.LeaseRequest.decode(b))
  const c = new Check('LeaseRequest')
  c.version(raw.version)
  return { offerId: c.id('offerId', raw.offerId), engine: c.id('engine', raw.engine) }
}

export function encodeLeaseResponse(response: LeaseResponse): Uint8Array {
  if (response.type === 'grant') {
    const { leaseId, offerId, expiresAt, work } = response
    const body =
      work.kind === 'gemm'
        ? { a: tensorOf(work.a), b: tensorOf(work.b), model: '', inputs: [] }
        : { model: work.model, inputs: work.inputs.map(namedOf) }
    return pb.LeaseResponse.encode({
      version: PROTOCOL_VERSION,
      grant: { leaseId, offerId, expiresAt, ...body },
    })
  }
  const { offerId, reason, message } = response
  return pb.LeaseResponse.encode({ version: PROTOCOL_VERSION, refusal: { offerId, reason, message } })
}

export function decodeLeaseResponse(bytes: Uint8Array): LeaseResponse {
  const raw = parse('leaseResponse', bytes, (b) =>
    pb.LeaseResponse.decode(b, {
      limits: {
        grant: {
          a: { shape: MAX_TENSOR_RANK },
          b: { shape: MAX_TENSOR_RANK },
          inputs: MAX_NAMED_TENSORS,
          inputs$: { shape: MAX_NAMED_TENSOR_RANK },
        },
      },
    }),
  )
  const c = new Check('LeaseResponse')
  c.version(raw.version)
  if ((raw.grant == null) === (raw.refusal == null))
    c.fail('grant|refusal', 'must hold exactly one of the two')
  if (raw.grant != null) {
    const g = raw.grant
    let work: LeaseWork
    if (g.model !== '' || g.inputs.length > 0) {
      if (g.a != null || g.b != null) c.fail('grant', 'holds both GEMM operands and inference inputs')
      work = {
        kind: 'infer',
        model: c.sha256Hex('grant.model', g.model),
        inputs: c.named('grant.inputs', g.inputs),
      }
    } else {
      const a = c.matrix('grant.a', g.a)
      const b = c.matrix('grant.b', g.b)
      if (a.cols !== b.rows) c.fail('grant.b', `has ${b.rows} rows, but a has ${a.cols} columns`)
      work = { kind: 'gemm', a, b }
    }
    return {
      type: 'grant',
      leaseId: c.id('grant.leaseId', g.leaseId),
      offerId: c.id('grant.offerId', g.offerId),
      expiresAt: c.int('grant.expiresAt', g.expiresAt, 1, Number.MAX_SAFE_INTEGER),
      work,
    }
  }
  const r = raw.refusal!
  return {
    type: 'refusal',
    offerId: c.id('refusal.offerId', r.offerId),
    reason: c.member('refusal.reason', r.reason, LEASE_REFUSAL_REASONS),
    message: c.text('refusal.message', r.message),
  }
}

// --- result (stream) ---

export function encodeResult(result: WorkResult): Uint8Array {
  const { leaseId, output, engine, elapsedMs } = result
  const body =
    output.kind === 'gemm' ? { c: tensorOf(output.c), outputs: [] } : { outputs: output.outputs.map(namedOf) }
  return pb.WorkResult.encode({ version: PROTOCOL_VERSION, leaseId, engine, elapsedMs, ...body })
}

export function decodeResult(bytes: Uint8Array): WorkResult {
  const raw = parse('result', bytes, (b) =>
    pb.WorkResult.decode(b, {
      limits: {
        c: { shape: MAX_TENSOR_RANK },
        outputs: MAX_NAMED_TENSORS,
        outputs$: { shape: MAX_NAMED_TENSOR_RANK },
      },
    }),
  )
  const c = new Check('WorkResult')
  c.version(raw.version)
  if ((raw.c == null) === (raw.outputs.length === 0)) c.fail('c|outputs', 'must hold exactly one of the two')
  const output: WorkOutput =
    raw.c != null
      ? { kind: 'gemm', c: c.matrix('c', raw.c) }
      : { kind: 'infer', outputs: c.named('outputs', raw.outputs) }
  return {
    leaseId: c.id('leaseId', raw.leaseId),
    output,
    engine: c.id('engine', raw.engine),
    elapsedMs: c.int('elapsedMs', raw.elapsedMs, 0, 0xffff_ffff),
  }
}

// --- receipts ---

export function encodeReceiptBody(body: ReceiptBody): Uint8Array {
  return pb.ReceiptBody.encode({ ...body, resultDigest: body.resultDigest as Uint8Array<ArrayBuffer> })
}

export function decodeReceiptBody(bytes: Uint8Array): ReceiptBody {
  const raw = parse('resultResponse', bytes, (b) => pb.ReceiptBody.decode(b))
  const c = new Check('ReceiptBody')
  return {
    domain: c.text('domain', raw.domain),
    netuid: c.int('netuid', raw.netuid, 0, 65_535),
    validator: c.peerId('validator', raw.validator),
    contributor: c.peerId('contributor', raw.contributor),
    receiptId: c.id('receiptId', raw.receiptId),
    leaseId: c.id('leaseId', raw.leaseId),
    offerId: c.id('offerId', raw.offerId),
    kind: c.member('kind', raw.kind, WORK_KINDS),
    flops: c.int('flops', raw.flops, 1, Number.MAX_SAFE_INTEGER),
    credit: c.finite('credit', raw.credit, 0),
    epoch: c.int('epoch', raw.epoch, 0, 0xffff_ffff),
    issuedAt: c.int('issuedAt', raw.issuedAt, 1, Number.MAX_SAFE_INTEGER),
    resultDigest: c.bytes('resultDigest', raw.resultDigest, 32),
  }
}

export function encodeResultResponse(response: ResultResponse): Uint8Array {
  if (response.type === 'receipt') {
    return pb.ResultResponse.encode({
      version: PROTOCOL_VERSION,
      receipt: { body: response.bodyBytes, signature: response.signature } as pb.Receipt,
    })
  }
  const { leaseId, reason, message } = response
  return pb.ResultResponse.encode({ version: PROTOCOL_VERSION, rejection: { leaseId, reason, message } })
}

export function decodeResultResponse(bytes: Uint8Array): ResultResponse {
  const raw = parse('resultResponse', bytes, (b) => pb.ResultResponse.decode(b))
  const c = new Check('ResultResponse')
  c.version(raw.version)
  if ((raw.receipt == null) === (raw.rejection == null))
    c.fail('receipt|rejection', 'must hold exactly one of the two')
  if (raw.receipt != null) {
    const bodyBytes = raw.receipt.body
    return { type: 'receipt', ...decodeSignedReceipt(bodyBytes, raw.receipt.signature) }
  }
  const r = raw.rejection!
  return {
    type: 'rejection',
    leaseId: c.id('rejection.leaseId', r.leaseId),
    reason: c.member('rejection.reason', r.reason, REJECTION_REASONS),
    message: c.text('rejection.message', r.message),
  }
}

/** Receipt bytes as stored (IndexedDB, ledger): body and signature, body checked against the schema. */
export function decodeSignedReceipt(bodyBytes: Uint8Array, signature: Uint8Array): SignedReceipt {
  const c = new Check('Receipt')
  if (signature.byteLength === 0 || signature.byteLength > 512) c.fail('signature', 'must be 1 to 512 bytes')
  return { bodyBytes, signature, body: decodeReceiptBody(bodyBytes) }
}

// --- claims (stream) ---

export function encodeClaimRequest(request: ClaimRequest): Uint8Array {
  return pb.ClaimRequest.encode({
    version: PROTOCOL_VERSION,
    message: request.message as Uint8Array<ArrayBuffer>,
    signature: request.signature as Uint8Array<ArrayBuffer>,
    receiptIds: request.receiptIds,
  })
}

export function decodeClaimRequest(bytes: Uint8Array): ClaimRequest {
  const raw = parse('claimRequest', bytes, (b) =>
    pb.ClaimRequest.decode(b, { limits: { receiptIds: MAX_CLAIM_RECEIPTS } }),
  )
  const c = new Check('ClaimRequest')
  c.version(raw.version)
  if (raw.message.byteLength === 0 || raw.message.byteLength > MAX_CLAIM_MESSAGE_BYTES) {
    c.fail('message', `must be 1 to ${MAX_CLAIM_MESSAGE_BYTES} bytes`)
  }
  if (raw.signature.byteLength < 64 || raw.signature.byteLength > 65)
    c.fail('signature', 'must be 64 or 65 bytes')
  if (raw.receiptIds.length === 0) c.fail('receiptIds', 'must name at least one receipt')
  const receiptIds = raw.receiptIds.map((id, i) => c.id(`receiptIds[${i}]`, id))
  if (new Set(receiptIds).size !== receiptIds.length) c.fail('receiptIds', 'must not repeat a receipt')
  return { message: raw.message, signature: raw.signature, receiptIds }
}

export function encodeClaimAckBody(body: ClaimAckBody): Uint8Array {
  return pb.ClaimAckBody.encode({ ...body, receiptsRoot: body.receiptsRoot as Uint8Array<ArrayBuffer> })
}

export function decodeClaimAckBody(bytes: Uint8Array): ClaimAckBody {
  const raw = parse('claimResponse', bytes, (b) => pb.ClaimAckBody.decode(b, { limits: { epochs: 64 } }))
  const c = new Check('ClaimAckBody')
  return {
    domain: c.text('domain', raw.domain),
    netuid: c.int('netuid', raw.netuid, 0, 65_535),
    validator: c.peerId('validator', raw.validator),
    contributor: c.peerId('contributor', raw.contributor),
    claimId: c.id('claimId', raw.claimId),
    address: c.text('address', raw.address),
    epochs: raw.epochs.map((e, i) => c.int(`epochs[${i}]`, e, 0, 0xffff_ffff)),
    receiptsRoot: c.bytes('receiptsRoot', raw.receiptsRoot, 32),
    receipts: c.int('receipts', raw.receipts, 1, MAX_CLAIM_RECEIPTS),
    credit: c.finite('credit', raw.credit, 0),
    recordedAt: c.int('recordedAt', raw.recordedAt, 1, Number.MAX_SAFE_INTEGER),
  }
}

export function encodeClaimResponse(response: ClaimResponse): Uint8Array {
  if (response.type === 'ack') {
    return pb.ClaimResponse.encode({
      version: PROTOCOL_VERSION,
      ack: { body: response.bodyBytes, signature: response.signature } as pb.ClaimAck,
    })
  }
  return pb.ClaimResponse.encode({
    version: PROTOCOL_VERSION,
    rejection: { reason: response.reason, message: response.message },
  })
}

export function decodeClaimResponse(bytes: Uint8Array): ClaimResponse {
  const raw = parse('claimResponse', bytes, (b) => pb.ClaimResponse.decode(b))
  const c = new Check('ClaimResponse')
  c.version(raw.version)
  if ((raw.ack == null) === (raw.rejection == null))
    c.fail('ack|rejection', 'must hold exactly one of the two')
  if (raw.ack != null) {
    if (raw.ack.signature.byteLength === 0 || raw.ack.signature.byteLength > 512) {
      c.fail('ack.signature', 'must be 1 to 512 bytes')
    }
    return {
      type: 'ack',
      bodyBytes: raw.ack.body,
      signature: raw.ack.signature,
      body: decodeClaimAckBody(raw.ack.body),
    }
  }
  const r = raw.rejection!
  return {
    type: 'rejection',
    reason: c.member('rejection.reason', r.reason, CLAIM_REJECTION_REASONS),
    message: c.text('rejection.message', r.message),
  }
}

// --- blobs (stream) ---

export interface BlobRequest {
  sha256: Uint8Array
  offset: number
  length: number
}

export type BlobResponse =
  | { type: 'chunk'; total: number; data: Uint8Array }
  | { type: 'error'; message: string }

export function encodeBlobRequest(request: BlobRequest): Uint8Array {
  return pb.BlobRequest.encode({
    version: PROTOCOL_VERSION,
    ...request,
    sha256: request.sha256 as Uint8Array<ArrayBuffer>,
  })
}

export function decodeBlobRequest(bytes: Uint8Array): BlobRequest {
  const raw = parse('blobRequest', bytes, (b) => pb.BlobRequest.decode(b))
  const c = new Check('BlobRequest')
  c.version(raw.version)
  return {
    sha256: c.bytes('sha256', raw.sha256, 32),
    offset: c.int('offset', raw.offset, 0, MAX_BLOB_SIZE),
    length: c.int('length', raw.length, 1, MAX_BLOB_CHUNK),
  }
}

export function encodeBlobResponse(response: BlobResponse): Uint8Array {
  if (response.type === 'chunk') {
    return pb.BlobResponse.encode({
      version: PROTOCOL_VERSION,
      total: response.total,
      data: response.data as Uint8Array<ArrayBuffer>,
      error: '',
    })
  }
  return pb.BlobResponse.encode({
    version: PROTOCOL_VERSION,
    total: 0,
    data: new Uint8Array(0),
    error: response.message,
  })
}

export function decodeBlobResponse(bytes: Uint8Array): BlobResponse {
  const raw = parse('blobResponse', bytes, (b) => pb.BlobResponse.decode(b))
  const c = new Check('BlobResponse')
  c.version(raw.version)
  if (raw.error !== '') return { type: 'error', message: c.text('error', raw.error) }
  if (raw.data.byteLength > MAX_BLOB_CHUNK) c.fail('data', `is over the ${MAX_BLOB_CHUNK}-byte chunk limit`)
  return { type: 'chunk', total: c.int('total', raw.total, 0, MAX_BLOB_SIZE), data: raw.data }
}
