// The omsagg command line from the TypeScript sources, without a build: npx tsx scripts/omsagg.ts <command> …
import { main } from '../src/cli.js';

process.exitCode = await main(process.argv.slice(2));
