/**
 * Registry values as Windows stores them (RegSetValueEx bytes), for tests of the decoding layer
 * that run on Linux: what `native-reg`'s queryValueRaw returns for each type.
 */
import { REG_TYPE, type RawRegistryValue } from '../../main/policy/registry-values';

const utf16z = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf16le');

export const regDword = (name: string, value: number): RawRegistryValue => {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(value);
  return { name, type: REG_TYPE.DWORD, data };
};
export const regSz = (name: string, text: string): RawRegistryValue => ({
  name,
  type: REG_TYPE.SZ,
  data: utf16z(text),
});
export const regExpandSz = (name: string, text: string): RawRegistryValue => ({
  name,
  type: REG_TYPE.EXPAND_SZ,
  data: utf16z(text),
});
/** Each string NUL-terminated, and the list ended by one more NUL. */
export const regMultiSz = (name: string, lines: readonly string[]): RawRegistryValue => ({
  name,
  type: REG_TYPE.MULTI_SZ,
  data: Buffer.concat([...lines.map(utf16z), Buffer.from('\0', 'utf16le')]),
});
