/**
 * The contributor's libp2p identity in the browser, kept in localStorage so that receipts issued to
 * this browser's peer id stay claimable after a reload. It identifies a contributor to validators; it
 * holds no funds (payouts go to the wallet address the claim names).
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { toString as bytesToString, fromString } from 'uint8arrays'

const STORAGE_KEY = 'tessera.peerKey'

export async function loadOrCreateBrowserKey(storage: Storage = localStorage): Promise<PrivateKey> {
  const saved = storage.getItem(STORAGE_KEY)
  if (saved != null) {
    try {
      return privateKeyFromProtobuf(fromString(saved, 'base64'))
    } catch {
      // Corrupt entry: fall through and replace it rather than locking the visitor out.
    }
  }
  const key = await generateKeyPair('Ed25519')
  storage.setItem(STORAGE_KEY, bytesToString(privateKeyToProtobuf(key), 'base64'))
  return key
}

/** This browser's peer id, without starting a node. */
export async function contributorPeerId(): Promise<string> {
  return peerIdFromPrivateKey(await loadOrCreateBrowserKey()).toString()
}
