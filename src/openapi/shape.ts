// A terse notation for OpenAPI response schemas: 'string', 'integer|null', 'date-time', [item], { key: shape }.
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** A schema written out in full (enums, free-form objects), passed through as is. */
export class Schema {
  constructor(readonly schema: SchemaObject) {}
}

export type Shape = string | Schema | Shape[] | { [key: string]: Shape };

export const oneOf = (...values: string[]) => new Schema({ type: 'string', enum: values });
export const anyObject = new Schema({ type: 'object', additionalProperties: true });

function scalar(name: string): SchemaObject {
  const [type, nullable] = name.split('|');
  const schema: SchemaObject = type === 'date-time' ? { type: 'string', format: 'date-time' } : { type };
  return nullable === 'null' ? { ...schema, nullable: true } : schema;
}

export function toSchema(shape: Shape): SchemaObject {
  if (typeof shape === 'string') return scalar(shape);
  if (shape instanceof Schema) return shape.schema;
  if (Array.isArray(shape)) return { type: 'array', items: toSchema(shape[0]) };
  const properties = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k.replace(/\?$/, ''), toSchema(v)]));
  const required = Object.keys(shape).filter((k) => !k.endsWith('?'));
  return { type: 'object', properties, required };
}
