// Builds raw FIX messages for tests: `|` stands for SOH; BodyLength and CheckSum are computed
// here independently of the encoder under test unless given.
export function frame(
  body: string,
  options: { beginString?: string; bodyLength?: number; checksum?: string } = {},
): Buffer {
  const b = body.replaceAll('|', '\x01')
  const head = `8=${options.beginString ?? 'FIX.4.4'}\x019=${options.bodyLength ?? Buffer.byteLength(b, 'latin1')}\x01`
  const full = head + b
  let sum = 0
  for (const c of Buffer.from(full, 'latin1')) sum += c
  const checksum = options.checksum ?? String(sum % 256).padStart(3, '0')
  return Buffer.from(`${full}10=${checksum}\x01`, 'latin1')
}

export const show = (bytes: Uint8Array) =>
  Buffer.from(bytes).toString('latin1').replaceAll('\x01', '|')

export const NOS =
  '35=D|34=2|49=TW44|52=20240102-03:04:05.678|56=ISLD|11=ORD-1|21=1|38=1.5|40=2|44=42000.5|54=1|55=BTC-USDC|59=0|60=20240102-03:04:05.678|'
export const ER =
  '35=8|34=3|49=ISLD|52=20240102-03:04:05.679|56=TW44|6=0|11=ORD-1|14=0|17=EXEC-1|31=0|32=0|37=O-1|38=1.5|39=0|40=2|44=42000.5|54=1|55=BTC-USDC|60=20240102-03:04:05.679|150=0|151=1.5|'
