// Name syntaxes of the Kubernetes API (apimachinery's validation package): each validator returns
// a list of problems, empty when the value is valid. Messages follow Kubernetes' wording.
import { randomInt } from 'node:crypto';

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;

export function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${fmt}')`;
}

/** RFC 1123 label: lower case alphanumerics and '-', at most 63 characters (Namespace names). */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        dns1123LabelFmt,
        'my-name',
        '123-abc',
      ),
    );
  }
  return errs;
}

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters (most object names). */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        dns1123SubdomainFmt,
        'example.com',
      ),
    );
  }
  return errs;
}

/** RFC 1035 label: like a 1123 label but starting with a letter (Service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRe.test(value)) {
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035LabelFmt,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errs;
}

const ianaSvcNameFmt = '[-a-z0-9]+';
const ianaSvcNameRe = /^[-a-z0-9]+$/;
const ianaHasLetterRe = /[a-z]/;

/** IANA service name (RFC 6335): port names. At most 15 characters, a letter, no "--". */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!ianaSvcNameRe.test(port)) errs.push(regexError('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', ianaSvcNameFmt));
  if (!ianaHasLetterRe.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push("must not contain consecutive hyphens ('--')");
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push("must not begin or end with a hyphen ('-')");
  return errs;
}

/** A port number: 1-65535. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameRe = new RegExp(`^${envVarNameFmt}$`);

/** Environment variable names (relaxed, as Kubernetes since 1.30 for env). */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRe.test(value)) {
    errs.push(regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  }
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

const cIdentifierFmt = '[A-Za-z_][A-Za-z0-9_]*';
const cIdentifierRe = new RegExp(`^${cIdentifierFmt}$`);

/** A C identifier (strict env var names, sysctl-free contexts). */
export function isCIdentifier(value: string): string[] {
  return cIdentifierRe.test(value)
    ? []
    : [regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'", cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')];
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyRe = new RegExp(`^${configMapKeyFmt}$`);

/** Keys of ConfigMap and Secret data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!configMapKeyRe.test(value)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** Kubernetes' alphabet for generated names: no vowels (no words), no confusable characters. */
export const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const GENERATE_NAME_SUFFIX_LENGTH = 5;
const maxGeneratedNameLength = 63 - GENERATE_NAME_SUFFIX_LENGTH;

/** 5 random characters from Kubernetes' alphabet. */
export function generateNameSuffix(random: (n: number) => number = randomInt): string {
  let s = '';
  for (let i = 0; i < GENERATE_NAME_SUFFIX_LENGTH; i++) s += GENERATE_NAME_ALPHABET[random(GENERATE_NAME_ALPHABET.length)];
  return s;
}

/** generateName + suffix, the base truncated to 58 characters as Kubernetes does. */
export function generateName(base: string, random?: (n: number) => number): string {
  const b = base.length > maxGeneratedNameLength ? base.slice(0, maxGeneratedNameLength) : base;
  return b + generateNameSuffix(random);
}

/**
 * Validates a generateName prefix: a trailing '-' is allowed (it is normally there), the rest must
 * be valid for the kind's name validator.
 */
export function validateGenerateName(prefix: string, nameValidator: (s: string) => string[]): string[] {
  const p = prefix.endsWith('-') ? prefix.slice(0, -1) : prefix;
  if (p === '') return [];
  return nameValidator(p);
}

/** Path segment names: no '/', '%', not '.' or '..' (the minimum every object name must satisfy). */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}
