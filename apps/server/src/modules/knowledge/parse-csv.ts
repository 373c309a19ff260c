import Papa from "papaparse";
import type { SourceDocument } from "./extract-source.ts";
import { IngestError } from "./ingest-error.ts";

// Any character that cannot occur in an accepted text file (uploads with NUL bytes are refused).
const NO_QUOTES = "\u0000";

/**
 * A CSV/TSV table → one record per row, each carrying its column names ("Product: Latte; Price: 4")
 * so a row found alone still says what its values mean. The first row is the header; the
 * delimiter (comma, semicolon, tab, pipe) is detected. Rows are numbered as a spreadsheet shows
 * them: the header is row 1.
 */
export function parseCsv(text: string): SourceDocument[] {
  const strict = parse(text, '"');
  let rows = strict.data;
  const quoteError = strict.quoteError;
  if (quoteError !== null) {
    // Quotes that do not pair up are usually inch marks or quoted words (12" pizza), not CSV
    // quoting: each line is read on its own, its stray quotes as plain characters, and that
    // reading is kept if the columns line up. Delimiters are tried in turn (papaparse guesses
    // with quoting on, which the stray quotes confuse): the widest that lines up wins.
    const lenient = DELIMITERS.map((d) => readLineByLine(text, d))
      .filter(linesUp)
      .sort((a, b) => (b[0]?.length ?? 0) - (a[0]?.length ?? 0))[0];
    if (!lenient) {
      throw new IngestError(
        `This CSV file has a quote (") that is never closed, near row ${quoteError}; fix the quoting or save it again from a spreadsheet`,
      );
    }
    rows = lenient;
  }
  const [header, ...data] = rows;
  if (!header || data.length === 0) {
    throw new IngestError("This CSV file has a header row but no data rows");
  }
  const names = header.map((h, i) => h.trim() || `Column ${i + 1}`);
  const documents: SourceDocument[] = [];
  data.forEach((row, i) => {
    const fields: string[] = [];
    row.forEach((value, j) => {
      const v = value.trim();
      if (v) fields.push(`${names[j] ?? `Column ${j + 1}`}: ${v}`);
    });
    if (fields.length > 0) {
      documents.push({ location: `row ${i + 2}`, blocks: [{ kind: "record", text: fields.join("; ") }] });
    }
  });
  if (documents.length === 0) throw new IngestError("This CSV file has no values in its data rows");
  return documents;
}

const DELIMITERS = [",", ";", "\t", "|"];

function parse(
  text: string,
  quoteChar: string,
  delimiter?: string,
): { data: string[][]; quoteError: number | null } {
  const result = Papa.parse<string[]>(text, {
    quoteChar,
    skipEmptyLines: "greedy",
    ...(delimiter ? { delimiter } : { delimitersToGuess: DELIMITERS }),
  });
  const quote = result.errors.find((e) => e.type === "Quotes");
  // Papaparse counts records from 0; a spreadsheet counts rows from 1.
  return { data: result.data, quoteError: quote ? (quote.row ?? 0) + 1 : null };
}

/** Each line a row: parsed as CSV when its quotes pair up, else with quotes as characters. */
function readLineByLine(text: string, delimiter: string): string[][] {
  return text
    .split(/\r\n|\n|\r/)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const quoted = parse(line, '"', delimiter);
      if (quoted.quoteError === null && quoted.data.length === 1) return quoted.data[0]!;
      return (parse(line, NO_QUOTES, delimiter).data[0] ?? []).map(unquote);
    });
}

/** Nearly every row has as many fields as the header (a stray short or long row is forgiven). */
function linesUp(rows: string[][]): boolean {
  const width = rows[0]?.length ?? 0;
  if (width < 2 || rows.length < 2) return false;
  const matching = rows.filter((r) => r.length === width).length;
  return matching / rows.length >= 0.9;
}

/** A field read without quote handling that was nonetheless properly quoted: "a ""b""" → a "b". */
function unquote(field: string): string {
  const t = field.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : field;
}
