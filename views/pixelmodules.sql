-- v_pixelmodules: the pixel detector's module map, one row per module: its name, detector part,
-- HV power group, the FED and FED channel that read it out, and its readout chips (ROCs). Small and
-- static; the per-run resources that name modules (federrors, fedchannels) filter by module name
-- through it, so a name filter reads the few matching FED channels instead of every row.
SELECT
  m.module_id,
  m.module_name,
  m.part,
  m.power_group,
  g.power_group_name,
  fc.fed_id,
  fc.channel,
  m.n_rocs
FROM pixel_modules m
LEFT JOIN pixel_fed_channels fc ON fc.module_id = m.module_id
LEFT JOIN pixel_power_groups g ON g.power_group = m.power_group
