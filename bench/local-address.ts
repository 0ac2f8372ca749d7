/**
 * Dials libp2p WebSockets from a chosen loopback address (127.0.0.0/8 is all loopback on Linux), so
 * one machine can play contributors and attackers on different addresses and ranges. libp2p's
 * transport dials with the global WebSocket: this swaps in `ws` with `localAddress` set to whatever
 * `from()` returns when the socket opens.
 */
import { WebSocket } from 'ws'
import { quietWebSocket } from '../src/validator/polyfills.ts'

export function dialFrom(from: () => string): void {
  class BoundWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { localAddress: from() })
    }
  }
  globalThis.WebSocket = quietWebSocket(BoundWebSocket)
}
