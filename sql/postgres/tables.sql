-- omsagg base tables for postgres. GENERATED from src/db/tables.ts by `npx tsx scripts/ddl.ts`; do not edit.

create table "fills" ("fill_number" integer not null, "fill_type_runtime" varchar(32), "start_time" timestamp, "end_time" timestamp, "start_stable_beam" timestamp, "end_stable_beam" timestamp, "duration" integer, "energy" double precision, "bunches_colliding" integer, "bunches_beam1" integer, "bunches_beam2" integer, "peak_lumi" double precision, "peak_pileup" double precision, "delivered_lumi" double precision, "recorded_lumi" double precision, "beta_star" double precision, "crossing_angle" double precision, "injection_scheme" varchar(128), "lumi_lifetime_h" double precision, "bunches_target" integer, "delivered_lumi_stablebeams" double precision, "recorded_lumi_stablebeams" double precision, constraint "fills_pk" primary key ("fill_number"));
create index "fills_start_idx" on "fills" ("start_time");

create table "runs" ("run_number" integer not null, "fill_number" integer, "start_time" timestamp, "end_time" timestamp, "duration" integer, "last_lumisection_number" integer, "sequence" varchar(32), "era" varchar(16), "l1_menu" varchar(128), "l1_key" varchar(128), "hlt_key" varchar(256), "cmssw_version" varchar(64), "b_field" double precision, "energy" double precision, "stable_beam" boolean, "components" varchar(1000), "components_out" varchar(1000), "initial_prescale_index" integer, "clock_type" varchar(16), "trigger_mode" varchar(128), "l1_rate" double precision, "hlt_physics_rate" double precision, "l1_triggers_counter" bigint, "hlt_physics_counter" bigint, "init_lumi" double precision, "end_lumi" double precision, "delivered_lumi" double precision, "recorded_lumi" double precision, "beamactive_total_deadtime" double precision, constraint "runs_pk" primary key ("run_number"));
create index "runs_fill_idx" on "runs" ("fill_number");
create index "runs_start_idx" on "runs" ("start_time");

create table "lumisections" ("run_number" integer not null, "lumisection_number" integer not null, "fill_number" integer, "start_time" timestamp, "end_time" timestamp, "init_lumi" double precision, "end_lumi" double precision, "delivered_lumi" double precision, "recorded_lumi" double precision, "delivered_lumi_per_lumisection" double precision, "recorded_lumi_per_lumisection" double precision, "integrated_lumi" double precision, "pileup" double precision, "prescale_index" integer, "prescale_name" varchar(64), "physics_flag" boolean, "beams_stable" boolean, "beam1_present" boolean, "beam2_present" boolean, "cms_active" boolean, "bpix_ready" boolean, "fpix_ready" boolean, "tibtid_ready" boolean, "tob_ready" boolean, "tecp_ready" boolean, "tecm_ready" boolean, "beam_present" boolean, "beam1_stable" boolean, "beam2_stable" boolean, "ebp_ready" boolean, "ebm_ready" boolean, "eep_ready" boolean, "eem_ready" boolean, "esp_ready" boolean, "esm_ready" boolean, "hbhea_ready" boolean, "hbheb_ready" boolean, "hbhec_ready" boolean, "hf_ready" boolean, "ho_ready" boolean, "castor_ready" boolean, "zdc_ready" boolean, "dt0_ready" boolean, "dtp_ready" boolean, "dtm_ready" boolean, "cscp_ready" boolean, "cscm_ready" boolean, "rpc_ready" boolean, "gem_ready" boolean, "gemp_ready" boolean, "gemm_ready" boolean, "rp_sect_45_ready" boolean, "rp_sect_56_ready" boolean, "rp_time_ready" boolean, constraint "lumisections_pk" primary key ("run_number", "lumisection_number"));
create index "lumisections_fill_idx" on "lumisections" ("fill_number", "run_number", "lumisection_number");
create index "lumisections_start_idx" on "lumisections" ("start_time");
create index "lumisections_prescale_idx" on "lumisections" ("run_number", "lumisection_number", "prescale_index", "prescale_name");

create table "l1_algorithms" ("l1_menu" varchar(128) not null, "bit" integer not null, "name" varchar(128), "response" varchar(16), "param_a" double precision, "param_b" double precision, "param_c" double precision, "base_prescale" integer, constraint "l1_algorithms_pk" primary key ("l1_menu", "bit"));

create table "l1_algorithm_counts" ("run_number" integer not null, "lumisection_number" integer not null, "bit" integer not null, "pre_dt_before_prescale_counter" integer, "pre_dt_counter" integer, "post_dt_counter" integer, "initial_prescale" integer, "final_prescale" integer, constraint "l1_algorithm_counts_pk" primary key ("run_number", "lumisection_number", "bit"));
create index "l1_algorithm_counts_bit_idx" on "l1_algorithm_counts" ("bit", "run_number", "lumisection_number");

create table "l1_trigger_counts" ("run_number" integer not null, "lumisection_number" integer not null, "l1a_physics" integer, "l1a_calibration" integer, "l1a_random" integer, "l1a_total" integer, "total_before_deadtime" integer, "trigger_physics_lost" integer, constraint "l1_trigger_counts_pk" primary key ("run_number", "lumisection_number"));

create table "hlt_paths" ("path_id" integer not null, "path_name" varchar(200), "path_group" varchar(32), "response" varchar(16), "param_a" double precision, "param_b" double precision, "param_c" double precision, "l1_seed_bit" integer, constraint "hlt_paths_pk" primary key ("path_id"));
alter table "hlt_paths" add constraint "hlt_paths_name_idx" unique ("path_name");
create index "hlt_paths_group_idx" on "hlt_paths" ("path_group");

create table "hlt_prescales" ("hlt_key" varchar(256) not null, "path_id" integer not null, "prescale_index" integer not null, "prescale" integer, constraint "hlt_prescales_pk" primary key ("hlt_key", "path_id", "prescale_index"));

create table "hlt_path_counts" ("run_number" integer not null, "lumisection_number" integer not null, "path_id" integer not null, "l1_pass" integer, "ps_pass" integer, "accepted" integer, constraint "hlt_path_counts_pk" primary key ("run_number", "lumisection_number", "path_id"));
create index "hlt_path_counts_path_idx" on "hlt_path_counts" ("path_id", "run_number", "lumisection_number");

create table "hlt_path_run_summary" ("run_number" integer not null, "path_id" integer not null, "first_lumisection_number" integer, "last_lumisection_number" integer, "l1_pass" bigint, "ps_pass" bigint, "accepted" bigint, "rejected" bigint, "errors" bigint, constraint "hlt_path_run_summary_pk" primary key ("run_number", "path_id"));
create index "hlt_path_run_summary_path_idx" on "hlt_path_run_summary" ("path_id", "run_number");

create table "deadtimes_ls" ("run_number" integer not null, "lumisection_number" integer not null, "overall_total_deadtime" double precision, "beamactive_total_deadtime" double precision, "tts_deadtime" double precision, "trigger_rules_deadtime" double precision, "calibration_deadtime" double precision, "apve_deadtime" double precision, "firmware_deadtime" double precision, constraint "deadtimes_ls_pk" primary key ("run_number", "lumisection_number"));

create table "pixel_power_groups" ("power_group" integer not null, "power_group_name" varchar(64), "subdetector" varchar(8), "part" varchar(16), "layer_or_disk" integer, "side" integer, "sector" integer, "n_modules" integer, "radius_mm" double precision, constraint "pixel_power_groups_pk" primary key ("power_group"));

create table "pixel_modules" ("module_id" integer not null, "module_name" varchar(64), "power_group" integer, "part" varchar(16), "fed_id" integer, "fed_channel" integer, "n_rocs" integer, constraint "pixel_modules_pk" primary key ("module_id"));
create index "pixel_modules_pg_idx" on "pixel_modules" ("power_group");
create index "pixel_modules_fed_idx" on "pixel_modules" ("fed_id", "fed_channel");

create table "pixel_readings" ("run_number" integer not null, "lumisection_number" integer not null, "power_group" integer not null, "time" timestamp, "hv_leakage_current" double precision, "hv_setting" double precision, "lv_digital_current" double precision, "lv_analog_current" double precision, "temperature" double precision, constraint "pixel_readings_pk" primary key ("run_number", "lumisection_number", "power_group"));
create index "pixel_readings_pg_idx" on "pixel_readings" ("power_group", "run_number", "lumisection_number");
create index "pixel_readings_time_idx" on "pixel_readings" ("time");

create table "masked_roc_counts" ("run_number" integer not null, "lumisection_number" integer not null, "part" varchar(16) not null, "masked_rocs" integer, "total_rocs" integer, "masked_roc_list" varchar(4000), constraint "masked_roc_counts_pk" primary key ("run_number", "lumisection_number", "part"));
create index "masked_roc_counts_part_idx" on "masked_roc_counts" ("run_number", "part", "lumisection_number");

create table "pixel_feds" ("fed_id" integer not null, "subdetector" varchar(8), "crate" integer, "n_channels" integer, constraint "pixel_feds_pk" primary key ("fed_id"));

create table "pixel_fed_channels" ("fed_id" integer not null, "channel" integer not null, "module_id" integer, "part" varchar(16), constraint "pixel_fed_channels_pk" primary key ("fed_id", "channel"));

create table "fed_error_types" ("error_code" integer not null, "error_name" varchar(64), "description" varchar(256), constraint "fed_error_types_pk" primary key ("error_code"));

create table "fed_error_counts" ("run_number" integer not null, "lumisection_number" integer not null, "fed_id" integer not null, "channel" integer not null, "error_code" integer not null, "error_count" integer, constraint "fed_error_counts_pk" primary key ("run_number", "lumisection_number", "fed_id", "channel", "error_code"));
create index "fed_error_counts_fed_idx" on "fed_error_counts" ("fed_id", "run_number", "lumisection_number");
create index "fed_error_counts_run_idx" on "fed_error_counts" ("run_number", "fed_id", "channel", "error_code", "lumisection_number");

create table "fed_channel_status" ("run_number" integer not null, "fed_id" integer not null, "channel" integer not null, "status" varchar(16), "error_count" integer, "last_error_code" integer, constraint "fed_channel_status_pk" primary key ("run_number", "fed_id", "channel"));

create table "omsagg_injected_anomalies" ("anomaly_id" integer not null, "kind" varchar(32), "label" varchar(16), "run_number" integer, "first_lumisection_number" integer, "last_lumisection_number" integer, "channels" varchar(4000), "magnitude" double precision, "description" varchar(1000), constraint "omsagg_injected_anomalies_pk" primary key ("anomaly_id"));
create index "omsagg_injected_anomalies_run_idx" on "omsagg_injected_anomalies" ("run_number", "first_lumisection_number");

create table "omsagg_anomaly_scores" ("run_number" integer not null, "lumisection_number" integer not null, "model" varchar(64) not null, "score" double precision, "threshold" double precision, "flag" integer, "contributors" varchar(4000), "top_contributor" varchar(256), "top_detail" varchar(1000), "observed_rate" double precision, "predicted_rate" double precision, "scored_at" timestamp, constraint "omsagg_anomaly_scores_pk" primary key ("run_number", "lumisection_number", "model"));
create index "omsagg_anomaly_scores_model_idx" on "omsagg_anomaly_scores" ("model", "run_number", "lumisection_number");

create table "omsagg_jobs" ("job" varchar(64) not null, "unit" varchar(128) not null, "state" varchar(16), "detail" varchar(1000), "updated_at" timestamp, constraint "omsagg_jobs_pk" primary key ("job", "unit"));

create table "omsagg_meta" ("key" varchar(64) not null, "value" varchar(1000), constraint "omsagg_meta_pk" primary key ("key"));

create table "omsagg_report_alarms" ("report" varchar(64) not null, "check_id" varchar(64) not null, "group_key" varchar(256) not null, "period_end" timestamp not null, "period_start" timestamp, "state" varchar(16), "transition" varchar(16), "severity" varchar(16), "sentence" varchar(1000), "first_raised" timestamp, "last_notified" timestamp, "notified" integer, "silence_id" integer, "inhibited_by" varchar(256), constraint "omsagg_report_alarms_pk" primary key ("report", "check_id", "group_key", "period_end"));
create index "omsagg_report_alarms_period_idx" on "omsagg_report_alarms" ("report", "period_end");

create table "omsagg_report_silences" ("silence_id" integer not null, "report" varchar(64), "check_id" varchar(64), "group_pattern" varchar(256), "author" varchar(128), "reason" varchar(1000), "starts_at" timestamp, "ends_at" timestamp, "created_at" timestamp, constraint "omsagg_report_silences_pk" primary key ("silence_id"));

create table "omsagg_report_outbox" ("message_id" varchar(256) not null, "report" varchar(64), "period_key" varchar(64), "channel" varchar(16), "target" varchar(1000), "state" varchar(16), "attempts" integer, "last_error" varchar(1000), "next_attempt_at" timestamp, "created_at" timestamp, "sent_at" timestamp, constraint "omsagg_report_outbox_pk" primary key ("message_id"));
create index "omsagg_report_outbox_state_idx" on "omsagg_report_outbox" ("state", "next_attempt_at");
