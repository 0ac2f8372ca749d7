/** The encoded message is larger than the limit for its kind; it was not parsed. */
export class MessageTooLargeError extends Error {
  static override name = 'MessageTooLargeError'
  override name = 'MessageTooLargeError'

  constructor(
    readonly messageName: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${messageName} is ${size} bytes, over the limit of ${limit}`)
  }
}

/** The bytes are not a protobuf encoding of the expected message. */
export class MalformedMessageError extends Error {
  static override name = 'MalformedMessageError'
  override name = 'MalformedMessageError'

  constructor(
    readonly messageName: string,
    cause: unknown,
  ) {
    super(`${messageName} could not be decoded: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    })
  }
}

/** The message parsed but a field breaks the schema (missing, out of range, inconsistent). */
export class InvalidMessageError extends Error {
  static override name = 'InvalidMessageError'
  override name = 'InvalidMessageError'

  constructor(
    readonly messageName: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${messageName}.${field} ${reason}`)
  }
}

/** The message is from a protocol version this build does not speak. */
export class UnsupportedVersionError extends Error {
  static override name = 'UnsupportedVersionError'
  override name = 'UnsupportedVersionError'

  constructor(
    readonly messageName: string,
    readonly version: number,
    readonly supported: number,
  ) {
    super(`${messageName} has version ${version}; this peer speaks version ${supported}`)
  }
}
