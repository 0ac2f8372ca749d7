/** The browser has no WebGPU at all (`navigator.gpu` is missing). */
export class WebGpuUnavailableError extends Error {
  static override name = 'WebGpuUnavailableError'
  override name = 'WebGpuUnavailableError'

  constructor() {
    super(
      'This browser does not offer WebGPU. Use a current Chrome, Edge or another WebGPU browser, ' +
        'and check that hardware acceleration is on.',
    )
  }
}

/** WebGPU exists but no adapter was granted (blocklisted GPU, disabled, or none present). */
export class NoAdapterError extends Error {
  static override name = 'NoAdapterError'
  override name = 'NoAdapterError'

  constructor() {
    super('WebGPU is present but no GPU adapter is available: the GPU may be blocklisted or disabled.')
  }
}

/** The device was lost (driver reset, GPU removed, or destroyed on Stop); work on it is void. */
export class DeviceLostError extends Error {
  static override name = 'DeviceLostError'
  override name = 'DeviceLostError'

  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`The GPU device was lost (${reason})${detail ? `: ${detail}` : ''}`)
  }
}
