// The deployment files cannot be built or applied here (no container engine, no cluster): every
// Kubernetes manifest is validated against the Kubernetes API's JSON schemas (the kubernetes-models
// package) and checked for what the server needs — health probes on /health, resources, a
// disruption budget and a service selecting the server's pods, the report CronJob, the indexed
// scoring Job sharding consistently — and the Containerfile for the essentials.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'deploy/kubernetes');
type Manifest = Record<string, any>;
const manifests: Manifest[] = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => ({ ...(d.toJSON() as Manifest), __file: f })));
const MODELS: Record<string, new (data: Manifest) => { validate(): void }> = { Deployment, Service, PodDisruptionBudget, CronJob, Job };
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it.each(manifests.map((m) => [`${m.__file} ${m.kind}`, m] as const))('%s validates against the Kubernetes schema', (_n, m) => {
    const { __file, ...doc } = m;
    const Model = MODELS[m.kind];
    expect(Model, `${__file}: kind ${m.kind} has no schema check`).toBeDefined();
    expect(() => new Model(doc).validate()).not.toThrow();
  });

  it('a server Deployment with /health probes and resources, selected by a Service and a PodDisruptionBudget', () => {
    const [dep] = byKind('Deployment');
    const labels = dep.spec.template.metadata.labels;
    expect(dep.spec.replicas).toBeGreaterThanOrEqual(2);
    for (const c of dep.spec.template.spec.containers) {
      expect(c.readinessProbe.httpGet.path).toBe('/health');
      expect(c.livenessProbe.httpGet.path).toBe('/health');
      expect(c.resources.requests.cpu && c.resources.limits.memory).toBeTruthy();
      expect(c.env.map((e: Manifest) => e.name)).toEqual(expect.arrayContaining(['OMSAGG_DB', 'OMSAGG_DB_POOL']));
    }
    expect(byKind('Service').some((s) => matches(s.spec.selector, labels))).toBe(true);
    const pdb = byKind('PodDisruptionBudget').find((p) => matches(p.spec.selector.matchLabels, labels));
    expect(pdb?.spec.minAvailable).toBeLessThan(dep.spec.replicas);
  });

  it('the daily report CronJob and an indexed scoring Job whose shards cover every index', () => {
    const [cron] = byKind('CronJob');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args[0]).toBe('report');
    const [job] = byKind('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const cmd = job.spec.template.spec.containers[0].command.join(' ');
    const shard = /--shard "\$JOB_COMPLETION_INDEX\/(\d+)"/.exec(cmd);
    expect(shard, cmd).not.toBeNull();
    expect(Number(shard![1])).toBe(job.spec.completions);
  });
});

describe('Containerfile', () => {
  const text = fs.readFileSync(path.join(root, 'deploy/Containerfile'), 'utf8');
  it('builds on Node 20, runs unprivileged, serves the port the Deployment names', () => {
    expect(text).toMatch(/^FROM \S*node:20\S* AS build$/m);
    expect(text).toMatch(/^USER (?!root)\S+$/m);
    expect(text).toMatch(/^CMD \["node", "bin\/omsagg\.js", "serve"\]$/m);
    const port = Number(/^EXPOSE (\d+)$/m.exec(text)?.[1]);
    expect(byKind('Deployment')[0].spec.template.spec.containers[0].ports[0].containerPort).toBe(port);
    // everything the server reads at run time is in the image
    for (const d of ['resources', 'views', 'sql', 'dist', 'node_modules']) expect(text).toMatch(new RegExp(`COPY .*\\b${d}\\b`));
  });
});
