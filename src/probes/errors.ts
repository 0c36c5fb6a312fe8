// The probe's own failures, as JSON:API errors: a bug in a probe (or a read it built wrongly) is a
// 500 naming the probe, never a 400 that would blame the client's parameters.
import { ApiError } from '../jsonapi/errors.js';

export class ProbeFailedError extends ApiError {
  constructor(probe: string, detail: string) {
    super(500, 'probe_failed', 'Probe failed', `probe ${probe}: ${detail}`);
  }
}
