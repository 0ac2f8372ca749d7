// libp2p 3 uses Promise.withResolvers, which Node gained in 22; Tessera runs on Node 20 as well.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

// Node 20 has no global WebSocket (22 does); libp2p's WebSocket transport dials with it, so a Node
// contributor (tests, scripts) gets the `ws` implementation libp2p's listener already uses.
if (typeof globalThis.WebSocket !== 'function') {
  const { WebSocket } = await import('ws')
  globalThis.WebSocket = quietWebSocket(WebSocket)
}

/**
 * `ws` sockets are EventEmitters: an 'error' (a reset connection) emitted while nobody listens with
 * `on('error')` throws and ends the process, where a browser's WebSocket only fires an event. libp2p
 * listens while it dials and then relies on 'close'; a socket that always has a listener behaves as
 * a browser's does (the error is still delivered to addEventListener listeners, then 'close').
 */
// biome-ignore lint/suspicious/noExplicitAny: ws's constructor overloads, passed through unchanged
type WsClass = new (...args: any[]) => import('ws').WebSocket

export function quietWebSocket(Base: WsClass): typeof globalThis.WebSocket {
  class QuietWebSocket extends Base {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    constructor(...args: any[]) {
      super(...args)
      this.on('error', () => {})
    }
  }
  return QuietWebSocket as unknown as typeof globalThis.WebSocket
}
