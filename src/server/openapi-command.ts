// omsagg openapi [--out FILE]: writes the OpenAPI document generated from resources/ and the probes
// (YAML; JSON when FILE ends in .json; stdout without --out).
import fs from 'node:fs';
import YAML from 'yaml';
import { command, text as textOf } from '../command-line/options.js';
import { buildOpenApiDocument } from './openapi-document.js';

const USAGE = 'usage: omsagg openapi [--out openapi.yaml]';

export function renderOpenApi(doc: Record<string, unknown>, file = 'openapi.yaml'): string {
  return file.endsWith('.json') ? `${JSON.stringify(doc, null, 2)}\n` : YAML.stringify(doc, { lineWidth: 0 });
}

export const run = command('openapi', USAGE, { out: { type: 'string' } }, async ({ values }) => {
  const out = textOf(values.out);
  const doc = await buildOpenApiDocument();
  const text = renderOpenApi(doc, out);
  if (out) {
    fs.writeFileSync(out, text);
    const paths = Object.keys((doc.paths as object) ?? {}).length;
    console.error(`omsagg openapi: wrote ${out} (${paths} paths)`);
  } else process.stdout.write(text);
  return 0;
});
