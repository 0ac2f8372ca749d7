/** Browser receipt store in IndexedDB, so receipts outlive the tab until they are claimed. */
import { type ReceiptStore, type StoredReceipt, toStored } from './receipt-store.ts'

const DB_NAME = 'tessera'
const STORE = 'receipts'

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1)
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'receiptId' })
      store.createIndex('by_validator_epoch', ['validator', 'epoch'])
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error)
  })
}

export function createIndexedDbReceiptStore(): ReceiptStore {
  const db = openDb()
  return {
    async put(receipt) {
      const tx = (await db).transaction(STORE, 'readwrite')
      tx.objectStore(STORE).put(toStored(receipt))
      await done(tx)
    },
    async list() {
      const tx = (await db).transaction(STORE, 'readonly')
      const req = tx.objectStore(STORE).getAll()
      await done(tx)
      return req.result as StoredReceipt[]
    },
  }
}
