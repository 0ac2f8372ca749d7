export {}

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
  globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket
}
