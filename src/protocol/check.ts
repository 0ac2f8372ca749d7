/**
 * Schema checks that protobuf cannot express (ranges, id formats, consistent shapes), shared by the
 * protocol codec and the work kinds' payload codecs. Every failure throws an InvalidMessageError that
 * names the message and the field.
 */
import { MAX_ID_LENGTH, MAX_TEXT_LENGTH } from './constants.ts'
import { InvalidMessageError, MalformedMessageError, MessageTooLargeError } from './errors.ts'
import { ID_PATTERN, KIND_PATTERN, PEER_ID_PATTERN, SHA256_HEX } from './ids.ts'

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // Tensors travel as little-endian and are viewed in place; a big-endian host would misread them.
  throw new Error('Tessera needs a little-endian host')
}

/** Checks the size limit, then decodes; a decoder's own error becomes a MalformedMessageError. */
export function decodeWithin<T>(
  name: string,
  limit: number,
  bytes: Uint8Array,
  decode: (b: Uint8Array) => T,
): T {
  if (bytes.byteLength > limit) throw new MessageTooLargeError(name, bytes.byteLength, limit)
  try {
    return decode(bytes)
  } catch (err) {
    throw new MalformedMessageError(name, err)
  }
}

export class Check {
  constructor(readonly name: string) {}

  fail(field: string, reason: string): never {
    throw new InvalidMessageError(this.name, field, reason)
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

  kind(field: string, value: string): string {
    if (!KIND_PATTERN.test(value)) this.fail(field, 'is not a work kind name ([a-z][a-z0-9-]{0,31})')
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

  /** Little-endian f32 data of exactly `elements` values, copied into a fresh aligned array. */
  f32(field: string, data: Uint8Array, elements: number): Float32Array {
    if (data.byteLength !== elements * 4) {
      this.fail(field, `must be ${elements * 4} bytes for ${elements} f32 values, got ${data.byteLength}`)
    }
    // A copy: the decoded bytes may sit at any offset of the frame (and in Node they are a Buffer,
    // whose slice() shares memory rather than copying).
    const out = new Float32Array(elements)
    new Uint8Array(out.buffer).set(data)
    return out
  }
}

/** The bytes of a typed array as they travel: little-endian, no copy. */
export function bytesOf(data: ArrayBufferView): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<ArrayBuffer>
}
