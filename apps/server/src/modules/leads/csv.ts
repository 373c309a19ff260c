// CSV as RFC 4180 writes it (CRLF line ends; a field with a comma, quote or line break is
// quoted, quotes doubled), plus what spreadsheets need on top of it:
// - a UTF-8 byte order mark first, or Excel reads the file in the machine's legacy code page
//   and Thai or Russian names turn into mojibake;
// - a cell that starts with = + - @ tab or CR is a formula to Excel, LibreOffice and Google
//   Sheets, and the text came from visitors, so it gets a leading apostrophe (shown as text).

export const CSV_BOM = "\uFEFF";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: Array<string | null | undefined>): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
