// Version facts of this build (pure constants): what `berth version` and `berth -v` report.
export const BERTH_VERSION = '0.1.0';
export const BERTH_GIT_COMMIT = 'unknown';
