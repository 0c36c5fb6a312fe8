// `/{resource}/meta` and include=meta: every attribute with its title, API type, units and what
// the client may do with it, as the OMS python client and the GUI's table portlet read them.
import type { Attribute, ResourceDef } from './resource.js';

export const API_TYPES: Record<Attribute['type'], string> = {
  integer: 'Integer',
  number: 'Double',
  string: 'String',
  boolean: 'Boolean',
  datetime: 'Date',
  array: 'List',
  object: 'Object',
};

/** meta.fields + fields_order as in OMS `/{resource}/meta` (every attribute listed). */
export function fieldsMeta(resource: ResourceDef): { fields: Record<string, unknown>; fields_order: string[] } {
  const fields: Record<string, unknown> = {};
  for (const a of resource.attributes) {
    if (a.kind === 'object') {
      fields[a.name] = {
        title: a.title,
        api_type: API_TYPES.object,
        units: null,
        description: a.description,
        searchable: false,
        sortable: false,
        projectable: a.projectable,
        members: Object.fromEntries(a.members.map((m) => [m.name.slice(a.name.length + 1), { title: m.title, api_type: API_TYPES[m.type], units: m.unit, description: m.description }])),
      };
    } else {
      fields[a.name] = {
        title: a.title,
        api_type: API_TYPES[a.type],
        units: a.unit,
        description: a.description,
        searchable: a.searchable,
        sortable: a.sortable,
        projectable: a.projectable,
        aggregation: a.aggregation,
      };
    }
  }
  return { fields, fields_order: resource.attributes.map((a) => a.name) };
}

export function metaDocument(resource: ResourceDef): { meta: Record<string, unknown> } {
  return { meta: { title: resource.title, description: resource.description, ...fieldsMeta(resource) } };
}
