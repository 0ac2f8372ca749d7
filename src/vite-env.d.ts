/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Validator multiaddrs baked into a build, space-separated. */
  readonly VITE_TESSERA_BOOTSTRAP?: string
  readonly VITE_TESSERA_NETUID?: string
}
