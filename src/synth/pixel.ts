// Phase-1 pixel detector geometry for the generator: parts, power groups, modules, FEDs and channels.
// 1856 modules = BPix 1184 (L1 96, L2 224, L3 352, L4 512) + FPix 672 (2 sides × 3 disks × 112).

export const ROCS_PER_MODULE = 16;

export interface Part {
  part: string;
  subdetector: 'BPix' | 'FPix';
  layerOrDisk: number;
  side: number | null;
  nModules: number;
  radiusMm: number;
  hvSettingV: number;
  coolingC: number;
}

export const PARTS: Part[] = [
  { part: 'BPix_L1', subdetector: 'BPix', layerOrDisk: 1, side: null, nModules: 96, radiusMm: 29, hvSettingV: 450, coolingC: -22 },
  { part: 'BPix_L2', subdetector: 'BPix', layerOrDisk: 2, side: null, nModules: 224, radiusMm: 68, hvSettingV: 350, coolingC: -22 },
  { part: 'BPix_L3', subdetector: 'BPix', layerOrDisk: 3, side: null, nModules: 352, radiusMm: 109, hvSettingV: 300, coolingC: -22 },
  { part: 'BPix_L4', subdetector: 'BPix', layerOrDisk: 4, side: null, nModules: 512, radiusMm: 160, hvSettingV: 300, coolingC: -22 },
  ...[-3, -2, -1, 1, 2, 3].map((d): Part => ({
    part: `FPix_D${d < 0 ? 'm' : 'p'}${Math.abs(d)}`,
    subdetector: 'FPix',
    layerOrDisk: Math.abs(d),
    side: d < 0 ? -1 : 1,
    nModules: 112,
    radiusMm: 110,
    hvSettingV: 300,
    coolingC: -20,
  })),
];

/** power groups per part: BPix L1 8 sectors, L2–L4 16 (2 half-shells × 8 sectors); FPix 6 per disk */
const PG_PER_PART: Record<string, number> = { BPix_L1: 8, BPix_L2: 16, BPix_L3: 16, BPix_L4: 16 };

export interface PowerGroup {
  powerGroup: number;
  name: string;
  part: Part;
  sector: number;
  nModules: number;
  firstModule: number;
}

export interface Module {
  moduleId: number;
  name: string;
  powerGroup: number;
  part: string;
  fedId: number;
  channel: number;
}

export interface PixelGeometry {
  powerGroups: PowerGroup[];
  modules: Module[];
  feds: { fedId: number; subdetector: string; crate: number; nChannels: number }[];
}

export const CHANNELS_PER_FED = 48;

export function buildGeometry(): PixelGeometry {
  const powerGroups: PowerGroup[] = [];
  const modules: Module[] = [];
  let moduleId = 1;
  let pgId = 1;
  for (const part of PARTS) {
    const n = PG_PER_PART[part.part] ?? 6;
    for (let s = 0; s < n; s++) {
      const count = Math.floor(part.nModules / n) + (s < part.nModules % n ? 1 : 0);
      const name =
        part.subdetector === 'BPix'
          ? `PixelBarrel_B${s < n / 2 || n === 8 ? 'p' : 'm'}${s % 2 ? 'I' : 'O'}_SEC${(s % 8) + 1}_LYR${part.layerOrDisk}_HV`
          : `PixelEndCap_B${part.side! < 0 ? 'm' : 'p'}${s % 2 ? 'I' : 'O'}_D${part.layerOrDisk}_${s < 2 ? 'ROG1' : s < 4 ? 'ROG2' : 'ROG3'}_HV`;
      powerGroups.push({ powerGroup: pgId, name: `${name}${pgId}`, part, sector: s + 1, nModules: count, firstModule: moduleId });
      for (let m = 0; m < count; m++) {
        modules.push({
          moduleId,
          name: `${part.part}_PG${pgId}_MOD${m + 1}`,
          powerGroup: pgId,
          part: part.part,
          fedId: 0,
          channel: 0,
        });
        moduleId++;
      }
      pgId++;
    }
  }
  // BPix modules on FEDs 1200–1293 (13 per FED), FPix on 1296–1338 (16 per FED); one channel per module
  const feds: PixelGeometry['feds'] = [];
  const bpix = modules.filter((m) => m.part.startsWith('BPix'));
  const fpix = modules.filter((m) => m.part.startsWith('FPix'));
  const assign = (mods: Module[], firstFed: number, perFed: number, sub: string) => {
    mods.forEach((m, i) => {
      m.fedId = firstFed + Math.floor(i / perFed);
      m.channel = 1 + (i % perFed) * 3;
    });
    const last = firstFed + Math.ceil(mods.length / perFed) - 1;
    for (let f = firstFed; f <= last; f++) feds.push({ fedId: f, subdetector: sub, crate: 1 + Math.floor((f - 1200) / 16), nChannels: CHANNELS_PER_FED });
  };
  assign(bpix, 1200, 13, 'BPix');
  assign(fpix, 1296, 16, 'FPix');
  return { powerGroups, modules, feds };
}
