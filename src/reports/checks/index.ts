// Check kinds by name.
import type { CheckKind } from '../types.js';
import { band } from './band.js';
import { count } from './count.js';
import { episodes } from './episodes.js';
import { jump } from './jump.js';
import type { CheckKindImpl } from './kind.js';
import { noData } from './no-data.js';
import { rate } from './rate.js';
import { reference } from './reference.js';
import { stuck } from './stuck.js';
import { trend } from './trend.js';

export const CHECKS: Record<CheckKind, CheckKindImpl> = {
  no_data: noData,
  band,
  rate,
  stuck,
  jump,
  count,
  reference,
  trend,
  anomaly_episodes: episodes,
};
