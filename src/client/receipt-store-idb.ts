/** Browser receipt store in IndexedDB, so receipts outlive the tab until they are claimed. */
import {
  type ReceiptStore,
  type StoredClaim,
  type StoredReceipt,
  toStored,
  toStoredClaim,
} from './receipt-store.ts'

const DB_NAME = 'tessera'
const RECEIPTS = 'receipts'
const CLAIMS = 'claims'

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 2)
    req.onupgradeneeded = (event) => {
      const db = req.result
      if (event.oldVersion < 1) {
        db.createObjectStore(RECEIPTS, { keyPath: 'receiptId' }).createIndex('by_validator_epoch', [
          'validator',
          'epoch',
        ])
      }
      if (event.oldVersion < 2) db.createObjectStore(CLAIMS, { keyPath: 'claimId' })
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

async function getAll<T>(db: Promise<IDBDatabase>, store: string): Promise<T[]> {
  const tx = (await db).transaction(store, 'readonly')
  const req = tx.objectStore(store).getAll()
  await done(tx)
  return req.result as T[]
}

export function createIndexedDbReceiptStore(): ReceiptStore {
  const db = openDb()
  return {
    async put(receipt) {
      const tx = (await db).transaction(RECEIPTS, 'readwrite')
      tx.objectStore(RECEIPTS).put(toStored(receipt))
      await done(tx)
    },
    list: () => getAll<StoredReceipt>(db, RECEIPTS),
    async recordClaim(ack, receiptIds) {
      const tx = (await db).transaction([RECEIPTS, CLAIMS], 'readwrite')
      const receipts = tx.objectStore(RECEIPTS)
      for (const id of receiptIds) {
        const req = receipts.get(id)
        req.onsuccess = () => {
          if (req.result) receipts.put({ ...(req.result as StoredReceipt), claimId: ack.body.claimId })
        }
      }
      tx.objectStore(CLAIMS).put(toStoredClaim(ack))
      await done(tx)
    },
    claims: () => getAll<StoredClaim>(db, CLAIMS),
  }
}
