// omsagg openapi [--out FILE]: writes the OpenAPI document generated from resources/ and the probes
// (YAML; JSON when FILE ends in .json; stdout without --out).
import fs from 'node:fs';
import YAML from 'yaml';
import { buildOpenApiDocument } from './openapi-document.js';

const USAGE = 'usage: omsagg openapi [--out openapi.yaml]';

export function renderOpenApi(doc: Record<string, unknown>, file = 'openapi.yaml'): string {
  return file.endsWith('.json') ? `${JSON.stringify(doc, null, 2)}\n` : YAML.stringify(doc, { lineWidth: 0 });
}

export async function run(args: string[]): Promise<number> {
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    }
    if (a === '--out') out = args[++i];
    else if (a.startsWith('--out=')) out = a.slice(6);
    else {
      console.error(`omsagg openapi: unknown option '${a}'\n${USAGE}`);
      return 2;
    }
  }
  if (args.includes('--out') && !out) {
    console.error(`omsagg openapi: --out needs a file name\n${USAGE}`);
    return 2;
  }
  const doc = await buildOpenApiDocument();
  const text = renderOpenApi(doc, out);
  if (out) {
    fs.writeFileSync(out, text);
    const paths = Object.keys((doc.paths as object) ?? {}).length;
    console.error(`omsagg openapi: wrote ${out} (${paths} paths)`);
  } else process.stdout.write(text);
  return 0;
}
