/**
 * Post-processes protons output so that repeated scalar fields also decode in their packed form.
 * proto3 encoders pack repeated scalars by default and parsers must accept both forms; protons 9
 * writes them unpacked and reads only that, so a message from any other encoder would be refused.
 * Run by `npm run gen:proto` after protons; idempotent.
 *
 *   node --import tsx scripts/protons-packed.ts <generated.ts>...
 */
import { readFileSync, writeFileSync } from 'node:fs'

const SCALARS = 'uint32|int32|sint32|uint64|int64|sint64|fixed32|sfixed32|fixed64|sfixed64|double|float|bool'

// The non-streaming decoder's case for a repeated scalar: a limit check, then one push.
const REPEATED_SCALAR = new RegExp(
  String.raw`( +)if \(opts\.limits\?\.(\w+) != null && obj\.\2\.length === opts\.limits\.\2\) \{\n` +
    String.raw` +throw new MaxLengthError\('Decode error - repeated field "\2" had too many elements'\)\n` +
    String.raw` +\}\n\n +obj\.\2\.push\(reader\.(${SCALARS})\(\)\)\n`,
  'g',
)

export function patchPacked(source: string): string {
  return source.replace(REPEATED_SCALAR, (_all, indent: string, field: string, type: string) => {
    const i = indent
    return [
      `${i}const push${field} = (): void => {`,
      `${i}  if (opts.limits?.${field} != null && obj.${field}.length === opts.limits.${field}) {`,
      `${i}    throw new MaxLengthError('Decode error - repeated field "${field}" had too many elements')`,
      `${i}  }`,
      `${i}  obj.${field}.push(reader.${type}())`,
      `${i}}`,
      `${i}// packed (wire type 2, the proto3 default) or one element per tag`,
      `${i}if ((tag & 7) === 2) {`,
      `${i}  const packedEnd = reader.uint32() + reader.pos`,
      `${i}  while (reader.pos < packedEnd) push${field}()`,
      `${i}} else {`,
      `${i}  push${field}()`,
      `${i}}`,
      '',
    ].join('\n')
  })
}

if (process.argv[1]?.endsWith('protons-packed.ts')) {
  for (const file of process.argv.slice(2)) {
    const before = readFileSync(file, 'utf8')
    const after = patchPacked(before)
    if (after !== before) writeFileSync(file, after)
  }
}
