// Kubernetes resource quantities ("500m", "128Mi", "1.5Gi", "1e3"), held as exact rationals over
// bigint so that no value ever loses precision. Grammar (as Kubernetes):
//   quantity ::= [+-] number suffix
//   number   ::= digits | digits '.' digits | digits '.' | '.' digits
//   suffix   ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | (e|E) [+-] digits
import { ApiError, fieldError } from './errors.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalSuffix = new Map(Object.entries(decimal).map(([k, v]) => [v, k]));
const binarySuffix = new Map(Object.entries(binary).map(([k, v]) => [v, k]));
/** Exponents beyond this are refused: they are never meaningful and would make arithmetic slow. */
const MAX_EXPONENT = 100;

export const QUANTITY_REGEX_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const quantityRe = /^([+-])?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** An exact quantity: num/den (den > 0, reduced) with the format it was written in. */
export class Quantity {
  readonly num: bigint;
  readonly den: bigint;
  readonly format: QuantityFormat;

  constructor(num: bigint, den: bigint, format: QuantityFormat) {
    if (den <= 0n) throw new RangeError('denominator must be positive');
    const g = gcd(num, den) || 1n;
    this.num = num / g;
    this.den = den / g;
    this.format = format;
  }

  static fromMilli(milli: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(milli, 1000n, format);
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.num * other.den;
    const b = other.num * this.den;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.num * other.den + other.num * this.den, this.den * other.den, this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.num * other.den - other.num * this.den, this.den * other.den, this.format);
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  /** The value in milli-units, rounded up (away from zero for positives) like Kubernetes' MilliValue. */
  milli(): bigint {
    return ceilDiv(this.num * 1000n, this.den);
  }

  /** The value in units, rounded up like Kubernetes' Value. */
  value(): bigint {
    return ceilDiv(this.num, this.den);
  }

  /** Whether the value is exactly a whole number of milli-units. */
  isMilliExact(): boolean {
    return (this.num * 1000n) % this.den === 0n;
  }

  /** The canonical string form, as Kubernetes prints it ("1.5Gi" -> "1536Mi", "0.5" -> "500m"). */
  toString(): string {
    return canonical(this);
  }

  toJSON(): string {
    return this.toString();
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
}

/** Why `s` is not a quantity, or undefined when it is one. */
export function quantityError(s: string): string | undefined {
  const m = quantityRe.exec(s);
  if (!m) return QUANTITY_REGEX_MESSAGE;
  const suffix = m[3] ?? '';
  if (suffix[0] === 'e' || suffix[0] === 'E') {
    if (suffix.length > 1 && Math.abs(Number(suffix.slice(1))) > MAX_EXPONENT) return `exponent must be between -${MAX_EXPONENT} and ${MAX_EXPONENT}`;
  }
  return undefined;
}

export function isQuantity(s: unknown): s is string {
  return typeof s === 'string' && quantityError(s) === undefined;
}

/** Parses a quantity. Throws ApiError INVALID_ARGUMENT with a clear message when invalid. */
export function parseQuantity(s: string): Quantity {
  const err = quantityError(s);
  if (err !== undefined) {
    throw new ApiError('INVALID_ARGUMENT', `unable to parse quantity ${JSON.stringify(s)}: ${err}`, {
      reason: 'BadRequest',
      fields: [fieldError('quantity', 'Invalid', err, s)],
    });
  }
  const m = quantityRe.exec(s) as RegExpExecArray;
  const neg = m[1] === '-';
  const [intPart, fracPart = ''] = m[2].split('.');
  let num = BigInt((intPart || '0') + fracPart);
  let den = 10n ** BigInt(fracPart.length);
  if (neg) num = -num;
  const suffix = m[3] ?? '';
  let format: QuantityFormat;
  if (suffix in binary) {
    format = 'BinarySI';
    num *= 1024n ** BigInt(binary[suffix]);
  } else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    format = 'DecimalExponent';
    const e = Number(suffix.slice(1));
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else {
    format = 'DecimalSI';
    const e = decimal[suffix];
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  }
  return new Quantity(num, den, format);
}

function asQuantity(q: string | Quantity): Quantity {
  return typeof q === 'string' ? parseQuantity(q) : q;
}

/** -1, 0 or 1 as a < b, a == b, a > b. Throws on an invalid quantity. */
export function compareQuantities(a: string | Quantity, b: string | Quantity): -1 | 0 | 1 {
  return asQuantity(a).cmp(asQuantity(b));
}

/** The value in milli-units (rounded up), e.g. "500m" -> 500n, "1.5" -> 1500n, "1Ki" -> 1024000n. */
export function toMilli(q: string | Quantity): bigint {
  return asQuantity(q).milli();
}

/** The canonical string of a quantity ("1000" -> "1k", "1.5Gi" -> "1536Mi"). */
export function canonicalQuantity(q: string | Quantity): string {
  return asQuantity(q).toString();
}

function canonical(q: Quantity): string {
  if (q.num === 0n) return '0';
  const neg = q.num < 0n;
  const abs = new Quantity(neg ? -q.num : q.num, q.den, q.format);
  const sign = neg ? '-' : '';
  if (abs.format === 'BinarySI' && abs.den === 1n && abs.num >= 1024n) {
    let k = 0;
    let v = abs.num;
    while (k < 6 && v % 1024n === 0n) {
      v /= 1024n;
      k++;
    }
    return `${sign}${v}${binarySuffix.get(k) ?? ''}`;
  }
  // Decimal: mantissa * 10^exp with exp a multiple of 3 (at least -9, rounding up below 1n).
  let { mantissa, exp } = toDecimal(abs);
  if (exp < -9) {
    const scale = 10n ** BigInt(-9 - exp);
    mantissa = ceilDiv(mantissa, scale);
    exp = -9;
  }
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp++;
  }
  let e3 = Math.floor(exp / 3) * 3;
  if (abs.format !== 'DecimalExponent') e3 = Math.min(e3, 18);
  mantissa *= 10n ** BigInt(exp - e3);
  if (abs.format === 'DecimalExponent') return e3 === 0 ? `${sign}${mantissa}` : `${sign}${mantissa}e${e3}`;
  return `${sign}${mantissa}${decimalSuffix.get(e3) ?? ''}`;
}

/** An exact (or, for non-decimal denominators, 1e-9-rounded-up) decimal form: mantissa * 10^exp. */
function toDecimal(q: Quantity): { mantissa: bigint; exp: number } {
  let den = q.den;
  let exp = 0;
  let num = q.num;
  // den = 2^a * 5^b after reduction; multiply up to a power of ten.
  let twos = 0;
  let fives = 0;
  while (den % 2n === 0n) {
    den /= 2n;
    twos++;
  }
  while (den % 5n === 0n) {
    den /= 5n;
    fives++;
  }
  if (den !== 1n) {
    // Not a terminating decimal (only reachable through arithmetic): round up at 1e-9.
    return { mantissa: ceilDiv(q.num * 10n ** 9n, q.den), exp: -9 };
  }
  const n = Math.max(twos, fives);
  num *= 2n ** BigInt(n - twos) * 5n ** BigInt(n - fives);
  exp = -n;
  return { mantissa: num, exp };
}
