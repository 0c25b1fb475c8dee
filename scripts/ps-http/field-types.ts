import type { FieldPacket } from 'mysql2/promise';
import type { PsField } from './protocol.js';

// MySQL wire column types (include/mysql_com.h, enum_field_types).
const MYSQL_TYPE = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  VECTOR: 0xf2,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;

export const FLAG_BLOB = 16;
export const FLAG_UNSIGNED = 32;
export const FLAG_BINARY = 128;
export const FLAG_ENUM = 256;
export const FLAG_SET = 2048;

export const BINARY_COLLATION = 63;

/** The Vitess `query.Type` names the driver's cast() knows about, plus the rest it passes through. */
export type VitessType =
  | 'NULL_TYPE'
  | 'INT8'
  | 'UINT8'
  | 'INT16'
  | 'UINT16'
  | 'INT24'
  | 'UINT24'
  | 'INT32'
  | 'UINT32'
  | 'INT64'
  | 'UINT64'
  | 'FLOAT32'
  | 'FLOAT64'
  | 'TIMESTAMP'
  | 'DATE'
  | 'TIME'
  | 'DATETIME'
  | 'YEAR'
  | 'DECIMAL'
  | 'TEXT'
  | 'BLOB'
  | 'VARCHAR'
  | 'VARBINARY'
  | 'CHAR'
  | 'BINARY'
  | 'BIT'
  | 'ENUM'
  | 'SET'
  | 'GEOMETRY'
  | 'JSON'
  | 'VECTOR';

/** The subset of mysql2's column metadata this mapping needs. */
export type ColumnMeta = Pick<
  FieldPacket,
  'name' | 'orgName' | 'table' | 'orgTable' | 'schema' | 'columnType' | 'characterSet' | 'columnLength' | 'decimals' | 'flags' | 'extendedFormat'
>;

function numericFlags(flags: FieldPacket['flags']): number {
  // mysql2 types flags as `number | string[]`, but the text protocol always yields the bitmask.
  return typeof flags === 'number' ? flags : 0;
}

function signedness<S extends VitessType, U extends VitessType>(flags: number, signed: S, unsigned: U): S | U {
  return flags & FLAG_UNSIGNED ? unsigned : signed;
}

/**
 * Vitess derives string-vs-binary type names from the BINARY flag, not from the
 * charset, so a `utf8mb4_bin` VARCHAR is reported as VARBINARY (with a text charset)
 * on real PlanetScale. The driver only treats charset 63 as bytes, so mirroring
 * that keeps both the type names and the JS values identical.
 */
function binaryOr<T extends VitessType, B extends VitessType>(flags: number, text: T, binary: B): T | B {
  return flags & FLAG_BINARY ? binary : text;
}

export function vitessType(column: ColumnMeta): VitessType {
  // MariaDB's JSON is a LONGTEXT alias; only the extended metadata tells them apart.
  if (column.extendedFormat === 'json') return 'JSON';
  const flags = numericFlags(column.flags);
  switch (column.columnType) {
    case MYSQL_TYPE.DECIMAL:
    case MYSQL_TYPE.NEWDECIMAL:
      return 'DECIMAL';
    case MYSQL_TYPE.TINY:
      return signedness(flags, 'INT8', 'UINT8');
    case MYSQL_TYPE.SHORT:
      return signedness(flags, 'INT16', 'UINT16');
    case MYSQL_TYPE.INT24:
      return signedness(flags, 'INT24', 'UINT24');
    case MYSQL_TYPE.LONG:
      return signedness(flags, 'INT32', 'UINT32');
    case MYSQL_TYPE.LONGLONG:
      return signedness(flags, 'INT64', 'UINT64');
    case MYSQL_TYPE.FLOAT:
      return 'FLOAT32';
    case MYSQL_TYPE.DOUBLE:
      return 'FLOAT64';
    case MYSQL_TYPE.NULL:
      return 'NULL_TYPE';
    case MYSQL_TYPE.TIMESTAMP:
      return 'TIMESTAMP';
    case MYSQL_TYPE.DATE:
    case MYSQL_TYPE.NEWDATE:
      return 'DATE';
    case MYSQL_TYPE.TIME:
      return 'TIME';
    case MYSQL_TYPE.DATETIME:
      return 'DATETIME';
    case MYSQL_TYPE.YEAR:
      return 'YEAR';
    case MYSQL_TYPE.BIT:
      return 'BIT';
    case MYSQL_TYPE.JSON:
      return 'JSON';
    case MYSQL_TYPE.VECTOR:
      return 'VECTOR';
    case MYSQL_TYPE.GEOMETRY:
      return 'GEOMETRY';
    case MYSQL_TYPE.ENUM:
      return 'ENUM';
    case MYSQL_TYPE.SET:
      return 'SET';
    case MYSQL_TYPE.VARCHAR:
    case MYSQL_TYPE.VAR_STRING:
      return binaryOr(flags, 'VARCHAR', 'VARBINARY');
    case MYSQL_TYPE.TINY_BLOB:
    case MYSQL_TYPE.MEDIUM_BLOB:
    case MYSQL_TYPE.LONG_BLOB:
    case MYSQL_TYPE.BLOB:
      return binaryOr(flags, 'TEXT', 'BLOB');
    case MYSQL_TYPE.STRING:
      // ENUM and SET columns arrive as STRING; only the flags reveal them.
      if (flags & FLAG_ENUM) return 'ENUM';
      if (flags & FLAG_SET) return 'SET';
      return binaryOr(flags, 'CHAR', 'BINARY');
    default:
      // An unknown future type is safest as bytes: the driver then hands back raw data instead of guessing.
      return column.characterSet === BINARY_COLLATION ? 'VARBINARY' : 'VARCHAR';
  }
}

/** Builds the protojson field object, omitting zero values the way PlanetScale does. */
export function toPsField(column: ColumnMeta): PsField {
  const type = vitessType(column);
  let charset = column.characterSet ?? 0;
  let flags = numericFlags(column.flags);
  if (type === 'JSON') {
    // MySQL 8 (and so PlanetScale) reports JSON as a binary BLOB; MariaDB reports utf8mb4 text.
    // Matching MySQL keeps custom cast functions that test `charset` first behaving the same.
    charset = BINARY_COLLATION;
    flags |= FLAG_BLOB | FLAG_BINARY;
  }
  const field: PsField = { name: column.name };
  if (type !== 'NULL_TYPE') field.type = type;
  if (column.table) field.table = column.table;
  if (column.orgTable) field.orgTable = column.orgTable;
  if (column.schema) field.database = column.schema;
  if (column.orgName) field.orgName = column.orgName;
  if (column.columnLength) field.columnLength = column.columnLength;
  if (charset) field.charset = charset;
  if (column.decimals) field.decimals = column.decimals;
  if (flags) field.flags = flags;
  return field;
}
