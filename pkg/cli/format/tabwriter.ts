// Port of Go's text/tabwriter as docker's formatter configures it (pure): tab-terminated cells,
// columns aligned per block of consecutive lines, minwidth/padding, display widths for wide runes.

export interface TabwriterOptions {
  minWidth: number;
  tabWidth: number;
  padding: number;
  padChar: string;
}

/** docker's `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`. */
export const DOCKER_TABLE: TabwriterOptions = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ' };

interface Cell {
  text: string;
  width: number;
  /** True if the cell was terminated by a tab (it is part of a column). */
  htab: boolean;
}

/** Terminal columns a string occupies: East Asian wide/fullwidth count 2, combining marks 0. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    if (/\p{Mn}|\p{Me}|\u200b/u.test(ch)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/**
 * Aligns `text` like Go's tabwriter after Write(text) + Flush(). A line with a single cell
 * (no tabs) ends a block, exactly as Go flushes there, so later columns do not align with it.
 */
export function tabwrite(text: string, options: TabwriterOptions = DOCKER_TABLE): string {
  const lines: Cell[][] = [[]];
  let out = '';
  let cellText = '';

  const flush = (): void => {
    out += format(lines, options);
    lines.length = 0;
    lines.push([]);
  };

  for (const ch of text) {
    if (ch === '\t' || ch === '\v' || ch === '\n' || ch === '\f') {
      const line = lines[lines.length - 1]!;
      line.push({ text: cellText, width: displayWidth(cellText), htab: ch === '\t' });
      cellText = '';
      if (ch === '\n' || ch === '\f') {
        const cells = line.length;
        lines.push([]);
        if (ch === '\f' || cells === 1) flush();
      }
    } else {
      cellText += ch;
    }
  }
  if (cellText !== '') lines[lines.length - 1]!.push({ text: cellText, width: displayWidth(cellText), htab: false });
  flush();
  return out;
}

function format(lines: Cell[][], options: TabwriterOptions): string {
  let out = '';
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let index = line0; index < line1; index++) {
      const line = lines[index]!;
      line.forEach((cell, column) => {
        out += cell.text;
        if (column < widths.length) out += options.padChar.repeat(Math.max(widths[column]! - cell.width, 0));
      });
      // The last line holds the unterminated remainder (if any); every other line ends with a newline.
      if (index + 1 < lines.length) out += '\n';
    }
  };

  const formatBlock = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let current = line0; current < line1; current++) {
      if (column >= lines[current]!.length - 1) continue;
      // Cell in this column: print the lines above it, then size the column over its block.
      writeLines(start, current);
      start = current;
      let width = options.minWidth;
      let end = current;
      for (; end < line1; end++) {
        const line = lines[end]!;
        if (column >= line.length - 1) break;
        const cell = line[column]!;
        width = Math.max(width, cell.width + options.padding);
      }
      widths.push(width);
      formatBlock(start, end);
      widths.pop();
      start = end;
      current = end - 1;
    }
    writeLines(start, line1);
  };

  formatBlock(0, lines.length);
  return out;
}
