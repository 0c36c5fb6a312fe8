// HLT path naming conventions, shared by the generator (synth/) and the anomaly models: the group of
// a path (the physics object it selects) follows from its name.

/** The group of an HLT path by the conventions of CMS path names (HLT_PFJet500_v15 → jet). */
export function pathGroup(name: string): string {
  if (/^AlCa_/.test(name)) return 'alca';
  if (/^DST_|Physics|Random|ZeroBias|HcalNZS|Calib|L1Unpaired/.test(name)) return 'zerobias';
  if (/BTag|CSV|bTag/i.test(name)) return 'btag';
  if (/Tau/.test(name)) return 'tau';
  if (/Ele|Photon|EG|Diphoton|DoublePhoton/.test(name)) return 'egamma';
  if (/Mu|Onia|Jpsi|Upsilon|Dimuon/.test(name)) return 'muon';
  if (/MET|MHT/.test(name)) return 'met';
  if (/Jet|HT|Di.*Ave/.test(name)) return 'jet';
  return 'other';
}
