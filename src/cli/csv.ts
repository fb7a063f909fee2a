// RFC 4180 CSV reader for `serial import`: UTF-8 with or without BOM, CRLF or LF, quoted fields
// (with "" escapes and line breaks), keeping the line number each record starts on.
export interface CsvRecord {
  /** 1-based physical line the record starts on. */
  line: number;
  fields: string[];
}

export function parseCsv(text: string): { records: CsvRecord[]; error?: { line: number; message: string } } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ line: start, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          return { records, error: { line, message: 'a closing quote must be followed by a comma or the end of the line' } };
        }
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) return { records, error: { line: start, message: 'a quoted field is not closed' } };
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return { records };
}
