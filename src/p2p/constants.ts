/** How long one request/response exchange may take end to end; a tile upload at 1 MB/s fits. */
export const RPC_TIMEOUT_MS = 30_000

/** Streams per protocol per connection: a contributor holds a few leases at once, never hundreds. */
export const MAX_STREAMS_PER_CONNECTION = 8

/** A kept-open request stream with no request for this long is closed by the server. */
export const STREAM_IDLE_MS = 60_000
