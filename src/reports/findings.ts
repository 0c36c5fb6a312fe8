// Building findings: device names, where-and-when phrases, and the choice of the occurrence a
// sentence describes.
import type { ResourceInfo } from './data.js';
import type { Point, UnitSeries } from './readings.js';
import { lsDuration, utcMinute } from './units.js';
import type { AlarmPlot, CheckDef, Finding, Occurrence, Unit } from './types.js';

function labelName(info: ResourceInfo | undefined, [attr, v]: [string, string]): string {
  const a = info?.attributes.find((x) => x.name === attr);
  return a && (a.type === 'integer' || a.type === 'number') ? `${a.title} ${v}` : v;
}

/** The finest level alone: `PixelBarrel_BpI_SEC8_LYR3_HV32`, `FED id 1214`. */
export const deviceLabel = (unit: Unit, info: ResourceInfo | undefined) => (unit.labels.length ? labelName(info, unit.labels[unit.labels.length - 1]) : (info?.title ?? 'All'));

/** `PixelBarrel_BpI_SEC8_LYR3_HV32 (BPix_L3)`, `FED id 1214`, or the resource's title for the whole system. */
export function unitLabel(unit: Unit, info: ResourceInfo | undefined): string {
  if (!unit.labels.length) return info?.title ?? 'All';
  const name = (l: [string, string]) => labelName(info, l);
  const last = name(unit.labels[unit.labels.length - 1]);
  return unit.labels.length > 1 ? `${last} (${name(unit.labels[unit.labels.length - 2])})` : last;
}

/** The finest device name of a unit (what injected ground truth and silences talk about). */
export const deviceName = (unit: Unit) => (unit.labels.length ? unit.labels[unit.labels.length - 1][1] : '*');

export function occurrence(points: Point[], value: number, excess: number): Occurrence {
  const first = points[0];
  const last = points[points.length - 1];
  return { run: first.run, firstLs: first.ls, lastLs: last.ls, start: first.time, end: last.time, points: points.length, value, excess };
}

/** `for 12 lumisections (4.7 min) in run 317392 LS 851–862 from 2018-06-15 06:03 UTC` */
export function whereWhen(o: Occurrence, withDuration = true): string {
  const dur = withDuration && o.firstLs !== null ? `for ${lsDuration(o.points)} ` : '';
  const ls = o.firstLs === null ? '' : o.firstLs === o.lastLs ? ` LS ${o.firstLs}` : ` LS ${o.firstLs}–${o.lastLs}`;
  const at = o.start ? ` from ${utcMinute(o.start)}` : '';
  return `${dur}in run ${o.run}${ls}${at}`;
}

/** `; 3 such stretches, 41 lumisections in all` when there was more than one. */
export function moreText(occs: Occurrence[]): string {
  if (occs.length < 2) return '';
  const n = occs.reduce((s, o) => s + o.points, 0);
  const ls = occs[0].firstLs !== null;
  return `; ${occs.length} such stretches in the period, ${n} ${ls ? 'lumisections' : 'readings'} in all`;
}

/** The occurrence a sentence describes: the one farthest past the limit. */
export function worst(occs: Occurrence[]): Occurrence {
  return occs.reduce((a, b) => (b.excess > a.excess || (b.excess === a.excess && b.points > a.points) ? b : a));
}

export function finding(check: CheckDef, unit: Unit, occs: Occurrence[], sentence: string): Finding {
  return { check: check.id, unit, severity: check.severity, sentence, occurrences: occs, devices: [deviceName(unit)] };
}

/** `Power group name` → `power group`, `FED id` → `FED`: the noun for a group level or member. */
export function nounOf(info: ResourceInfo, name: string): string {
  const a = info.attributes.find((x) => x.name === name);
  return (a?.title ?? name)
    .replace(/\s+(name|id)$/i, '')
    .split(' ')
    .map((w) => (w === w.toUpperCase() ? w : w.toLowerCase()))
    .join(' ');
}

export function attributeTitle(info: ResourceInfo, name: string): string {
  const a = info.attributes.find((x) => x.name === name);
  const t = a?.title ?? name;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

const MAX_TRACES = 6;

/** The series of the devices in alarm (worst first, at most six) with the limits, for a plot. */
export function alarmPlot(
  info: ResourceInfo,
  attribute: string,
  unit: string | null,
  findings: Finding[],
  series: UnitSeries[],
  opts: { limits?: { label: string; value: number }[]; transform?: (v: number) => number; yLabel?: string } = {},
): AlarmPlot | undefined {
  const byName = new Map(series.map((s) => [deviceName(s.unit), s]));
  const ranked = [...findings].sort((a, b) => Math.max(...b.occurrences.map((o) => o.excess), 0) - Math.max(...a.occurrences.map((o) => o.excess), 0));
  const names: string[] = [];
  for (const f of ranked) for (const d of f.devices) if (!names.includes(d) && byName.has(d)) names.push(d);
  const traces = names
    .slice(0, MAX_TRACES)
    .map((n) => {
      const s = byName.get(n)!;
      const x: string[] = [];
      const y: (number | null)[] = [];
      let prev: Point | undefined;
      for (const p of s.points) {
        if (p.time === null) continue;
        // a missing lumisection (or a new run) breaks the line instead of bridging it
        if (prev && (prev.run !== p.run || (p.ls !== null && prev.ls !== null && p.ls !== prev.ls + 1))) {
          x.push(p.time);
          y.push(null);
        }
        x.push(p.time);
        y.push(opts.transform ? opts.transform(p.value) : p.value);
        prev = p;
      }
      return { name: deviceLabel(s.unit, info), x, y };
    })
    .filter((t) => t.x.length > 0);
  if (!traces.length) return undefined;
  const spans = ranked
    .flatMap((f) => f.occurrences)
    .filter((o) => o.start && o.end)
    .slice(0, 40)
    .map((o) => ({ from: o.start!, to: o.end!, label: `run ${o.run}${o.firstLs !== null ? ` LS ${o.firstLs}–${o.lastLs}` : ''}` }));
  return { yLabel: opts.yLabel ?? attributeTitle(info, attribute), unit, traces, limits: opts.limits ?? [], spans };
}
