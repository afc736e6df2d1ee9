// Public surface of pkg/cli: the `berth` program entry and the pure pieces other packages reuse.
export { main } from './main.js';
export type { MainOptions } from './main.js';
export { ALL_COMMANDS, dispatch, reportError } from './dispatch.js';
export { Template, TemplateError } from './template/template.js';
export { renderRows, FormatError } from './format/formatter.js';
export { humanDuration, humanSize, humanSizeWithPrecision, bytesSize } from './format/units.js';
