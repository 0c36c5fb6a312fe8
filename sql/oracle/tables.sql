-- omsagg base tables for oracle. GENERATED from src/db/tables.ts by `npx tsx scripts/ddl.ts`; do not edit.

create table "FILLS" ("FILL_NUMBER" integer not null, "FILL_TYPE_RUNTIME" varchar2(32), "START_TIME" timestamp, "END_TIME" timestamp, "START_STABLE_BEAM" timestamp, "END_STABLE_BEAM" timestamp, "DURATION" integer, "ENERGY" binary_double, "BUNCHES_COLLIDING" integer, "BUNCHES_BEAM1" integer, "BUNCHES_BEAM2" integer, "PEAK_LUMI" binary_double, "PEAK_PILEUP" binary_double, "DELIVERED_LUMI" binary_double, "RECORDED_LUMI" binary_double, "BETA_STAR" binary_double, "CROSSING_ANGLE" binary_double, "INJECTION_SCHEME" varchar2(128), "LUMI_LIFETIME_H" binary_double, "BUNCHES_TARGET" integer, "DELIVERED_LUMI_STABLEBEAMS" binary_double, "RECORDED_LUMI_STABLEBEAMS" binary_double);
alter table "FILLS" add constraint "FILLS_PK" primary key ("FILL_NUMBER");
create index "FILLS_START_IDX" on "FILLS" ("START_TIME");

create table "RUNS" ("RUN_NUMBER" integer not null, "FILL_NUMBER" integer, "START_TIME" timestamp, "END_TIME" timestamp, "DURATION" integer, "LAST_LUMISECTION_NUMBER" integer, "SEQUENCE" varchar2(32), "ERA" varchar2(16), "L1_MENU" varchar2(128), "L1_KEY" varchar2(128), "HLT_KEY" varchar2(256), "CMSSW_VERSION" varchar2(64), "B_FIELD" binary_double, "ENERGY" binary_double, "STABLE_BEAM" number(1), "COMPONENTS" varchar2(1000), "COMPONENTS_OUT" varchar2(1000), "INITIAL_PRESCALE_INDEX" integer, "CLOCK_TYPE" varchar2(16), "TRIGGER_MODE" varchar2(128), "L1_RATE" binary_double, "HLT_PHYSICS_RATE" binary_double, "L1_TRIGGERS_COUNTER" number(20, 0), "HLT_PHYSICS_COUNTER" number(20, 0), "INIT_LUMI" binary_double, "END_LUMI" binary_double, "DELIVERED_LUMI" binary_double, "RECORDED_LUMI" binary_double, "BEAMACTIVE_TOTAL_DEADTIME" binary_double);
alter table "RUNS" add constraint "RUNS_PK" primary key ("RUN_NUMBER");
create index "RUNS_FILL_IDX" on "RUNS" ("FILL_NUMBER");
create index "RUNS_START_IDX" on "RUNS" ("START_TIME");

create table "LUMISECTIONS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "FILL_NUMBER" integer, "START_TIME" timestamp, "END_TIME" timestamp, "INIT_LUMI" binary_double, "END_LUMI" binary_double, "DELIVERED_LUMI" binary_double, "RECORDED_LUMI" binary_double, "DELIVERED_LUMI_PER_LUMISECTION" binary_double, "RECORDED_LUMI_PER_LUMISECTION" binary_double, "INTEGRATED_LUMI" binary_double, "PILEUP" binary_double, "PRESCALE_INDEX" integer, "PRESCALE_NAME" varchar2(64), "PHYSICS_FLAG" number(1), "BEAMS_STABLE" number(1), "BEAM1_PRESENT" number(1), "BEAM2_PRESENT" number(1), "CMS_ACTIVE" number(1), "BPIX_READY" number(1), "FPIX_READY" number(1), "TIBTID_READY" number(1), "TOB_READY" number(1), "TECP_READY" number(1), "TECM_READY" number(1), "BEAM_PRESENT" number(1), "BEAM1_STABLE" number(1), "BEAM2_STABLE" number(1), "EBP_READY" number(1), "EBM_READY" number(1), "EEP_READY" number(1), "EEM_READY" number(1), "ESP_READY" number(1), "ESM_READY" number(1), "HBHEA_READY" number(1), "HBHEB_READY" number(1), "HBHEC_READY" number(1), "HF_READY" number(1), "HO_READY" number(1), "CASTOR_READY" number(1), "ZDC_READY" number(1), "DT0_READY" number(1), "DTP_READY" number(1), "DTM_READY" number(1), "CSCP_READY" number(1), "CSCM_READY" number(1), "RPC_READY" number(1), "GEM_READY" number(1), "GEMP_READY" number(1), "GEMM_READY" number(1), "RP_SECT_45_READY" number(1), "RP_SECT_56_READY" number(1), "RP_TIME_READY" number(1));
alter table "LUMISECTIONS" add constraint "LUMISECTIONS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER");
create index "LUMISECTIONS_FILL_IDX" on "LUMISECTIONS" ("FILL_NUMBER", "RUN_NUMBER", "LUMISECTION_NUMBER");
create index "LUMISECTIONS_START_IDX" on "LUMISECTIONS" ("START_TIME");
create index "LUMISECTIONS_PRESCALE_IDX" on "LUMISECTIONS" ("RUN_NUMBER", "LUMISECTION_NUMBER", "PRESCALE_INDEX", "PRESCALE_NAME");

create table "L1_ALGORITHMS" ("L1_MENU" varchar2(128) not null, "BIT" integer not null, "NAME" varchar2(128), "RESPONSE" varchar2(16), "PARAM_A" binary_double, "PARAM_B" binary_double, "PARAM_C" binary_double, "BASE_PRESCALE" integer);
alter table "L1_ALGORITHMS" add constraint "L1_ALGORITHMS_PK" primary key ("L1_MENU", "BIT");

create table "L1_ALGORITHM_COUNTS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "BIT" integer not null, "PRE_DT_BEFORE_PRESCALE_COUNTER" integer, "PRE_DT_COUNTER" integer, "POST_DT_COUNTER" integer, "INITIAL_PRESCALE" integer, "FINAL_PRESCALE" integer);
alter table "L1_ALGORITHM_COUNTS" add constraint "L1_ALGORITHM_COUNTS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER", "BIT");
create index "L1_ALGORITHM_COUNTS_BIT_IDX" on "L1_ALGORITHM_COUNTS" ("BIT", "RUN_NUMBER", "LUMISECTION_NUMBER");

create table "L1_TRIGGER_COUNTS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "L1A_PHYSICS" integer, "L1A_CALIBRATION" integer, "L1A_RANDOM" integer, "L1A_TOTAL" integer, "TOTAL_BEFORE_DEADTIME" integer, "TRIGGER_PHYSICS_LOST" integer);
alter table "L1_TRIGGER_COUNTS" add constraint "L1_TRIGGER_COUNTS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER");

create table "HLT_PATHS" ("PATH_ID" integer not null, "PATH_NAME" varchar2(200), "PATH_GROUP" varchar2(32), "RESPONSE" varchar2(16), "PARAM_A" binary_double, "PARAM_B" binary_double, "PARAM_C" binary_double, "L1_SEED_BIT" integer);
alter table "HLT_PATHS" add constraint "HLT_PATHS_PK" primary key ("PATH_ID");
alter table "HLT_PATHS" add constraint "HLT_PATHS_NAME_IDX" unique ("PATH_NAME");
create index "HLT_PATHS_GROUP_IDX" on "HLT_PATHS" ("PATH_GROUP");

create table "HLT_PRESCALES" ("HLT_KEY" varchar2(256) not null, "PATH_ID" integer not null, "PRESCALE_INDEX" integer not null, "PRESCALE" integer);
alter table "HLT_PRESCALES" add constraint "HLT_PRESCALES_PK" primary key ("HLT_KEY", "PATH_ID", "PRESCALE_INDEX");

create table "HLT_PATH_COUNTS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "PATH_ID" integer not null, "L1_PASS" integer, "PS_PASS" integer, "ACCEPTED" integer);
alter table "HLT_PATH_COUNTS" add constraint "HLT_PATH_COUNTS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER", "PATH_ID");
create index "HLT_PATH_COUNTS_PATH_IDX" on "HLT_PATH_COUNTS" ("PATH_ID", "RUN_NUMBER", "LUMISECTION_NUMBER");

create table "HLT_PATH_RUN_SUMMARY" ("RUN_NUMBER" integer not null, "PATH_ID" integer not null, "FIRST_LUMISECTION_NUMBER" integer, "LAST_LUMISECTION_NUMBER" integer, "L1_PASS" number(20, 0), "PS_PASS" number(20, 0), "ACCEPTED" number(20, 0), "REJECTED" number(20, 0), "ERRORS" number(20, 0));
alter table "HLT_PATH_RUN_SUMMARY" add constraint "HLT_PATH_RUN_SUMMARY_PK" primary key ("RUN_NUMBER", "PATH_ID");
create index "HLT_PATH_RUN_SUMMARY_PATH_IDX" on "HLT_PATH_RUN_SUMMARY" ("PATH_ID", "RUN_NUMBER");

create table "DEADTIMES_LS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "OVERALL_TOTAL_DEADTIME" binary_double, "BEAMACTIVE_TOTAL_DEADTIME" binary_double, "TTS_DEADTIME" binary_double, "TRIGGER_RULES_DEADTIME" binary_double, "CALIBRATION_DEADTIME" binary_double, "APVE_DEADTIME" binary_double, "FIRMWARE_DEADTIME" binary_double);
alter table "DEADTIMES_LS" add constraint "DEADTIMES_LS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER");

create table "PIXEL_POWER_GROUPS" ("POWER_GROUP" integer not null, "POWER_GROUP_NAME" varchar2(64), "SUBDETECTOR" varchar2(8), "PART" varchar2(16), "LAYER_OR_DISK" integer, "SIDE" integer, "SECTOR" integer, "N_MODULES" integer, "RADIUS_MM" binary_double);
alter table "PIXEL_POWER_GROUPS" add constraint "PIXEL_POWER_GROUPS_PK" primary key ("POWER_GROUP");

create table "PIXEL_MODULES" ("MODULE_ID" integer not null, "MODULE_NAME" varchar2(64), "POWER_GROUP" integer, "PART" varchar2(16), "FED_ID" integer, "FED_CHANNEL" integer, "N_ROCS" integer);
alter table "PIXEL_MODULES" add constraint "PIXEL_MODULES_PK" primary key ("MODULE_ID");
create index "PIXEL_MODULES_PG_IDX" on "PIXEL_MODULES" ("POWER_GROUP");
create index "PIXEL_MODULES_FED_IDX" on "PIXEL_MODULES" ("FED_ID", "FED_CHANNEL");

create table "PIXEL_READINGS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "POWER_GROUP" integer not null, "TIME" timestamp, "HV_LEAKAGE_CURRENT" binary_double, "HV_SETTING" binary_double, "LV_DIGITAL_CURRENT" binary_double, "LV_ANALOG_CURRENT" binary_double, "TEMPERATURE" binary_double);
alter table "PIXEL_READINGS" add constraint "PIXEL_READINGS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER", "POWER_GROUP");
create index "PIXEL_READINGS_PG_IDX" on "PIXEL_READINGS" ("POWER_GROUP", "RUN_NUMBER", "LUMISECTION_NUMBER");
create index "PIXEL_READINGS_TIME_IDX" on "PIXEL_READINGS" ("TIME");

create table "MASKED_ROC_COUNTS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "PART" varchar2(16) not null, "MASKED_ROCS" integer, "TOTAL_ROCS" integer, "MASKED_ROC_LIST" varchar2(4000));
alter table "MASKED_ROC_COUNTS" add constraint "MASKED_ROC_COUNTS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER", "PART");
create index "MASKED_ROC_COUNTS_PART_IDX" on "MASKED_ROC_COUNTS" ("RUN_NUMBER", "PART", "LUMISECTION_NUMBER");

create table "PIXEL_FEDS" ("FED_ID" integer not null, "SUBDETECTOR" varchar2(8), "CRATE" integer, "N_CHANNELS" integer);
alter table "PIXEL_FEDS" add constraint "PIXEL_FEDS_PK" primary key ("FED_ID");

create table "PIXEL_FED_CHANNELS" ("FED_ID" integer not null, "CHANNEL" integer not null, "MODULE_ID" integer, "PART" varchar2(16));
alter table "PIXEL_FED_CHANNELS" add constraint "PIXEL_FED_CHANNELS_PK" primary key ("FED_ID", "CHANNEL");

create table "FED_ERROR_TYPES" ("ERROR_CODE" integer not null, "ERROR_NAME" varchar2(64), "DESCRIPTION" varchar2(256));
alter table "FED_ERROR_TYPES" add constraint "FED_ERROR_TYPES_PK" primary key ("ERROR_CODE");

create table "FED_ERROR_COUNTS" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "FED_ID" integer not null, "CHANNEL" integer not null, "ERROR_CODE" integer not null, "ERROR_COUNT" integer);
alter table "FED_ERROR_COUNTS" add constraint "FED_ERROR_COUNTS_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER", "FED_ID", "CHANNEL", "ERROR_CODE");
create index "FED_ERROR_COUNTS_FED_IDX" on "FED_ERROR_COUNTS" ("FED_ID", "RUN_NUMBER", "LUMISECTION_NUMBER");
create index "FED_ERROR_COUNTS_RUN_IDX" on "FED_ERROR_COUNTS" ("RUN_NUMBER", "FED_ID", "CHANNEL", "ERROR_CODE", "LUMISECTION_NUMBER");

create table "FED_CHANNEL_STATUS" ("RUN_NUMBER" integer not null, "FED_ID" integer not null, "CHANNEL" integer not null, "STATUS" varchar2(16), "ERROR_COUNT" integer, "LAST_ERROR_CODE" integer);
alter table "FED_CHANNEL_STATUS" add constraint "FED_CHANNEL_STATUS_PK" primary key ("RUN_NUMBER", "FED_ID", "CHANNEL");

create table "OMSAGG_INJECTED_ANOMALIES" ("ANOMALY_ID" integer not null, "KIND" varchar2(32), "LABEL" varchar2(16), "RUN_NUMBER" integer, "FIRST_LUMISECTION_NUMBER" integer, "LAST_LUMISECTION_NUMBER" integer, "CHANNELS" varchar2(4000), "MAGNITUDE" binary_double, "DESCRIPTION" varchar2(1000));
alter table "OMSAGG_INJECTED_ANOMALIES" add constraint "OMSAGG_INJECTED_ANOMALIES_PK" primary key ("ANOMALY_ID");
create index "OMSAGG_INJECTED_ANOMALIES_RUN_IDX" on "OMSAGG_INJECTED_ANOMALIES" ("RUN_NUMBER", "FIRST_LUMISECTION_NUMBER");

create table "OMSAGG_ANOMALY_SCORES" ("RUN_NUMBER" integer not null, "LUMISECTION_NUMBER" integer not null, "MODEL" varchar2(64) not null, "SCORE" binary_double, "THRESHOLD" binary_double, "FLAG" integer, "CONTRIBUTORS" varchar2(4000), "TOP_CONTRIBUTOR" varchar2(256), "TOP_DETAIL" varchar2(1000), "OBSERVED_RATE" binary_double, "PREDICTED_RATE" binary_double, "SCORED_AT" timestamp);
alter table "OMSAGG_ANOMALY_SCORES" add constraint "OMSAGG_ANOMALY_SCORES_PK" primary key ("RUN_NUMBER", "LUMISECTION_NUMBER", "MODEL");
create index "OMSAGG_ANOMALY_SCORES_MODEL_IDX" on "OMSAGG_ANOMALY_SCORES" ("MODEL", "RUN_NUMBER", "LUMISECTION_NUMBER");

create table "OMSAGG_JOBS" ("JOB" varchar2(64) not null, "UNIT" varchar2(128) not null, "STATE" varchar2(16), "DETAIL" varchar2(1000), "UPDATED_AT" timestamp);
alter table "OMSAGG_JOBS" add constraint "OMSAGG_JOBS_PK" primary key ("JOB", "UNIT");

create table "OMSAGG_META" ("KEY" varchar2(64) not null, "VALUE" varchar2(1000));
alter table "OMSAGG_META" add constraint "OMSAGG_META_PK" primary key ("KEY");

create table "OMSAGG_REPORT_ALARMS" ("REPORT" varchar2(64) not null, "CHECK_ID" varchar2(64) not null, "GROUP_KEY" varchar2(256) not null, "PERIOD_END" timestamp not null, "PERIOD_START" timestamp, "STATE" varchar2(16), "TRANSITION" varchar2(16), "SEVERITY" varchar2(16), "SENTENCE" varchar2(1000), "FIRST_RAISED" timestamp, "LAST_NOTIFIED" timestamp, "NOTIFIED" integer, "SILENCE_ID" integer, "INHIBITED_BY" varchar2(256));
alter table "OMSAGG_REPORT_ALARMS" add constraint "OMSAGG_REPORT_ALARMS_PK" primary key ("REPORT", "CHECK_ID", "GROUP_KEY", "PERIOD_END");
create index "OMSAGG_REPORT_ALARMS_PERIOD_IDX" on "OMSAGG_REPORT_ALARMS" ("REPORT", "PERIOD_END");

create table "OMSAGG_REPORT_SILENCES" ("SILENCE_ID" integer not null, "REPORT" varchar2(64), "CHECK_ID" varchar2(64), "GROUP_PATTERN" varchar2(256), "AUTHOR" varchar2(128), "REASON" varchar2(1000), "STARTS_AT" timestamp, "ENDS_AT" timestamp, "CREATED_AT" timestamp);
alter table "OMSAGG_REPORT_SILENCES" add constraint "OMSAGG_REPORT_SILENCES_PK" primary key ("SILENCE_ID");

create table "OMSAGG_REPORT_OUTBOX" ("MESSAGE_ID" varchar2(256) not null, "REPORT" varchar2(64), "PERIOD_KEY" varchar2(64), "CHANNEL" varchar2(16), "TARGET" varchar2(1000), "STATE" varchar2(16), "ATTEMPTS" integer, "LAST_ERROR" varchar2(1000), "NEXT_ATTEMPT_AT" timestamp, "CREATED_AT" timestamp, "SENT_AT" timestamp);
alter table "OMSAGG_REPORT_OUTBOX" add constraint "OMSAGG_REPORT_OUTBOX_PK" primary key ("MESSAGE_ID");
create index "OMSAGG_REPORT_OUTBOX_STATE_IDX" on "OMSAGG_REPORT_OUTBOX" ("STATE", "NEXT_ATTEMPT_AT");
