// Where the report repository lives and where it is served, unless configured.
export const DEFAULT_OUT = 'data/reports';
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080/reports';
