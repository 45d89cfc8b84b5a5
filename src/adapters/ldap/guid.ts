// AD's objectGUID is 16 bytes whose first three groups are little-endian; its text form is the
// usual 8-4-4-4-12 GUID.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

export function guidFromBytes(bytes: Buffer): string {
  const hex = (from: number, to: number, reverse = false) => {
    const part = Buffer.from(bytes.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10), hex(10, 16)].join('-');
}

export function guidToBytes(guid: string): Buffer {
  const [a = '', b = '', c = '', d = '', e = ''] = guid.toLowerCase().split('-');
  const le = (h: string) => Buffer.from(h, 'hex').reverse();
  return Buffer.concat([le(a), le(b), le(c), Buffer.from(d, 'hex'), Buffer.from(e, 'hex')]);
}
