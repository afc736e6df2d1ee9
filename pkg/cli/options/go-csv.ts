// The first record of a CSV text as Go's encoding/csv Reader reads it with default settings (pure):
// docker parses --mount, --network and string-slice flags with it, so quoting and error texts
// ("parse error on line 1, column 5: bare \" in non-quoted-field") carry over.

export class CsvError extends Error {}

const BARE_QUOTE = 'bare " in non-quoted-field';
const QUOTE = 'extraneous or missing " in quoted-field';

/** Splits text into lines the way csv.Reader.readLine does: keeps "\n", folds "\r\n", drops a final "\r". */
function lines(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest !== '') {
    const newline = rest.indexOf('\n');
    let line = newline === -1 ? rest : rest.slice(0, newline + 1);
    rest = newline === -1 ? '' : rest.slice(newline + 1);
    if (line.endsWith('\r\n')) line = `${line.slice(0, -2)}\n`;
    else if (newline === -1 && line.endsWith('\r')) line = line.slice(0, -1);
    out.push(line);
  }
  return out;
}

const byteLength = (text: string): number => Buffer.byteLength(text);

/** csv.NewReader(strings.NewReader(text)).Read(); throws CsvError with Go's message. */
export function readCsvRecord(text: string): string[] {
  const all = lines(text);
  let lineIndex = 0;
  // Empty lines before the record are skipped; nothing left is io.EOF.
  while (lineIndex < all.length && (all[lineIndex] === '\n' || all[lineIndex] === '')) lineIndex++;
  if (lineIndex >= all.length) throw new CsvError('EOF');
  const recordLine = lineIndex + 1;
  let line = all[lineIndex]!;
  let column = 1; // 1-based byte column within the current line
  const fail = (reason: string): never => {
    const where = `parse error on line ${lineIndex + 1}, column ${column}: ${reason}`;
    throw new CsvError(recordLine !== lineIndex + 1 ? `record on line ${recordLine}; ${where}` : where);
  };
  const trimNewline = (field: string): string => (field.endsWith('\n') ? field.slice(0, -1) : field);
  const fields: string[] = [];
  for (;;) {
    if (line === '' || line[0] !== '"') {
      const comma = line.indexOf(',');
      const field = comma === -1 ? trimNewline(line) : line.slice(0, comma);
      const quote = field.indexOf('"');
      if (quote !== -1) {
        column += byteLength(field.slice(0, quote));
        fail(BARE_QUOTE);
      }
      fields.push(field);
      if (comma === -1) return fields;
      column += byteLength(field) + 1;
      line = line.slice(comma + 1);
      continue;
    }
    // Quoted field: "" is a quote, and it may run over several lines.
    let value = '';
    line = line.slice(1);
    column += 1;
    for (;;) {
      const quote = line.indexOf('"');
      if (quote !== -1) {
        value += line.slice(0, quote);
        column += byteLength(line.slice(0, quote));
        line = line.slice(quote + 1);
        const next = line[0];
        if (next === '"') {
          value += '"';
          line = line.slice(1);
          column += 2;
        } else if (next === ',') {
          fields.push(value);
          line = line.slice(1);
          column += 2;
          break;
        } else if (line === '' || line === '\n') {
          fields.push(value);
          return fields;
        } else {
          fail(QUOTE);
        }
      } else if (line !== '') {
        value += line;
        lineIndex++;
        line = all[lineIndex] ?? '';
        column = 1;
        if (lineIndex >= all.length) {
          // Go reports the position just past the last line's text.
          lineIndex--;
          column = byteLength(trimNewline(all[lineIndex]!)) + 1;
          fail(QUOTE);
        }
      } else {
        fail(QUOTE);
      }
    }
  }
}

/** pflag's StringSlice value: each flag is one CSV record, the values are appended. */
export function parseStringSlice(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (value === '') continue; // pflag: an empty value adds nothing
    out.push(...readCsvRecord(value));
  }
  return out;
}
