/**
 * Reusable pieces of the devmode.yaml schema. `expected` is our own annotation: the
 * phrase used in messages ("'port' must be <expected>, got ..."); editors ignore it.
 */
import { Type } from '@sinclair/typebox';
import { DURATION_PATTERN, SIZE_PATTERN } from './units.js';

/** A duration: milliseconds as a number, or a string with a unit. */
export const Duration = (description: string) =>
  Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
    description: `${description} A number means milliseconds; strings take ms, s, m, h (500ms, 30s, 2m, 1m30s).`,
    expected: 'a duration like 500ms, 30s or 2m (a bare number means milliseconds)',
  });

/** A size: bytes as a number, or a string with a unit. */
export const Size = (description: string) =>
  Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: SIZE_PATTERN })], {
    description: `${description} A number means bytes; strings take B, KiB, MiB, GiB (binary) or KB, MB, GB (decimal).`,
    expected: 'a size like 256MiB or 1GB (a bare number means bytes)',
  });

/** A TCP port; 0 asks for any free port. */
export const Port = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: 65535,
    description: `${description} 0 means any free port; leave it out for the default.`,
    expected: 'a port number from 0 to 65535',
  });

/** The interface to bind. */
export const Host = Type.String({
  minLength: 1,
  title: 'host',
  description: 'Interface to bind (default 127.0.0.1).',
  expected: 'a host name or IP address',
});

/** A string or a list of strings (env_file, watch, ignore). */
export const StringOrList = (title: string, description: string) =>
  Type.Union([Type.String(), Type.Array(Type.String())], {
    title,
    description,
    expected: 'a string or a list of strings',
  });

/** A list of upper- or lower-case HTTP method names. */
export const Methods = Type.Array(Type.String({ pattern: '^[A-Za-z]+$', expected: 'an HTTP method name like GET' }), {
  title: 'methods',
  description: 'HTTP methods this applies to (any case); leave out for all methods.',
  expected: 'a list of HTTP methods like [GET, POST]',
});

/** Extension fields (`x-anything`), as in docker compose, are allowed and ignored. */
export const EXTENSIONS = { '^x-': {} } as const;
