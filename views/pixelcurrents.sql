-- v_pixelcurrents: pixel power-group readings per lumisection. Currents: HV leakage in µA, LV in A;
-- temperature in °C; integrated_lumi = delivered since the start of 2018 at that lumisection, fb^-1.
SELECT
  x.run_number,
  x.lumisection_number,
  l.fill_number,
  x.time,
  x.power_group,
  g.power_group_name,
  g.subdetector,
  g.part,
  g.layer_or_disk,
  g.side,
  g.sector,
  g.n_modules,
  g.radius_mm,
  x.hv_leakage_current,
  x.hv_leakage_current / g.n_modules AS hv_leakage_current_per_module,
  x.hv_setting,
  x.lv_digital_current,
  x.lv_analog_current,
  x.temperature,
  l.integrated_lumi,
  l.init_lumi AS inst_lumi
FROM pixel_readings x
LEFT JOIN pixel_power_groups g ON g.power_group = x.power_group
LEFT JOIN lumisections l ON l.run_number = x.run_number AND l.lumisection_number = x.lumisection_number
