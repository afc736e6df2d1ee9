// Flag specs several commands share (pure data): --format variants, --filter, --no-trunc, -q.
import type { FlagSpec } from '../spec.js';

const FORMATTING_LINK = 'Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates';

export const TABLE_FORMAT_FLAG: FlagSpec = {
  long: 'format',
  kind: 'value',
  typeName: 'string',
  description: `Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\n${FORMATTING_LINK}`,
};

export const JSON_FORMAT_FLAG: FlagSpec = {
  long: 'format',
  short: 'f',
  kind: 'value',
  typeName: 'string',
  description: `Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\n${FORMATTING_LINK}`,
};

export const FILTER_FLAG: FlagSpec = { long: 'filter', short: 'f', kind: 'list', typeName: 'filter', description: 'Filter output based on conditions provided' };
export const NO_TRUNC_FLAG: FlagSpec = { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" };
export const PRUNE_FILTER_FLAG: FlagSpec = { long: 'filter', kind: 'list', typeName: 'filter', description: 'Provide filter values (e.g. "until=<timestamp>")' };
export const FORCE_FLAG: FlagSpec = { long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' };
