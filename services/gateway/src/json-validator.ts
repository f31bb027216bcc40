/**
 * A fast first check of a request body, compiled from the request's own zod schema: zod writes
 * the schema as JSON Schema (`z.toJSONSchema`) and Ajv compiles that into one function. A body
 * the compiled check accepts is one zod accepts unchanged, so it is used as it is; a body it does
 * not accept is parsed by zod, which decides and names the fields at fault. So zod stays the only
 * statement of what a request may hold, and a busy route (a private-mode device posts its samples
 * every second) no longer pays zod's ~0.1 ms and its garbage per post.
 *
 * Only schemas whose JSON Schema says all that zod checks get a compiled check: plain objects,
 * arrays, tuples, unions, literals, optionals, booleans, numbers with bounds and integer formats,
 * strings with length bounds. Anything else (refinements, transforms, defaults, string formats,
 * pipes...) makes `compileJsonValidator` answer null, and the caller uses zod alone. Objects zod
 * strips (not `.strict()`) keep the unknown keys it would have removed; the caller reads only the
 * schema's keys.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';

/** The zod v4 definition fields this module reads. */
interface CheckDef {
  check: string;
  format?: string;
}

interface Def {
  type: string;
  /** Set when the type is a check itself (z.int(), z.email()). */
  check?: string;
  format?: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const CHECKS_WITH_JSON_SCHEMA = new Set(['greater_than', 'less_than', 'min_length', 'max_length', 'length_equals']);
/** Integer formats JSON Schema states exactly (an integer type with zod's bounds). */
const INTEGER_FORMATS = new Set(['safeint', 'int32', 'uint32']);

/** Whether the JSON Schema zod writes for `schema` states every rule zod applies, and zod's output is its input. */
export function describedByJsonSchema(schema: z.ZodType): boolean {
  const def = defOf(schema);
  // A type may be a check itself (z.int(), z.email()) besides the checks added to it.
  const checks: CheckDef[] = [...(def.check ? [{ check: def.check, format: def.format }] : []), ...(def.checks ?? []).map((c) => c._zod.def)];
  for (const check of checks) {
    // A string's length is UTF-16 units to zod and characters to JSON Schema, and its formats need
    // more than Ajv's core: strings have no checks here.
    if (def.type !== 'string' && CHECKS_WITH_JSON_SCHEMA.has(check.check)) continue;
    if (check.check === 'number_format' && check.format && INTEGER_FORMATS.has(check.format)) continue;
    return false;
  }
  switch (def.type) {
    case 'number':
    case 'boolean':
    case 'string':
    case 'null':
      return true;
    case 'literal':
      return def.values!.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
    case 'object':
      return (def.catchall === undefined || defOf(def.catchall).type === 'never') && Object.values(def.shape ?? {}).every(describedByJsonSchema);
    case 'array':
      return describedByJsonSchema(def.element!);
    case 'tuple':
      return !def.rest && def.items!.every(describedByJsonSchema);
    case 'union':
      return def.options!.every(describedByJsonSchema);
    case 'optional':
      return describedByJsonSchema(def.innerType!);
    default:
      return false;
  }
}

const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
const compiled = new WeakMap<z.ZodType, ((value: unknown) => boolean) | null>();

/** The compiled check for `schema`, or null when its JSON Schema would not say all zod checks. Compiled once per schema. */
export function compileJsonValidator(schema: z.ZodType): ((value: unknown) => boolean) | null {
  if (compiled.has(schema)) return compiled.get(schema)!;
  let validate: ((value: unknown) => boolean) | null = null;
  if (describedByJsonSchema(schema)) {
    const check = ajv.compile(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }));
    validate = (value) => check(value) === true;
  }
  compiled.set(schema, validate);
  return validate;
}
