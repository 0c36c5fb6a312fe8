// Constants of the lumisection-level models.

/** one lumisection = 2^18 orbits / 11245.5 Hz, s (the same 23.31 the views divide counters by) */
export const LS_SECONDS = 23.31;
